import * as assert from 'assert';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ProduceReport } from '../../src/kafka/produce/send';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, untitledDocument } from './helpers';

/**
 * The status-bar confirmation of a sent message hides itself after a while, and nothing of it may stay
 * referenced after that: sending a message once a minute for a day must not grow the extension. The test
 * hands out the status-bar messages' disposables itself (through `vscode.window.setStatusBarMessage`, which
 * the test shares with the extension), keeps only weak references to them, and collects garbage.
 */
const RUN = Date.now().toString(36);

describe('status-bar confirmations of sent messages', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const clusterId = `status-${RUN}`;
  const topic = `status-${RUN}`;

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
    broker.cluster.topics.create({ name: topic, partitions: 1 });
    await api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  after(async () => {
    await api.sessions.drop(clusterId);
    await api.clusters.remove(clusterId);
    await broker?.stop();
  });

  it('are not kept for the life of the extension', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const window = vscode.window as unknown as { setStatusBarMessage: (text: string, timeout?: number) => vscode.Disposable };
    const original = window.setStatusBarMessage;
    const shown: { text: string; timeout?: number; disposable: WeakRef<vscode.Disposable> }[] = [];
    window.setStatusBarMessage = (text, timeout) => {
      const disposable = { dispose: () => undefined };
      shown.push({ text, timeout, disposable: new WeakRef(disposable) });
      return disposable;
    };
    try {
      for (let i = 0; i < 5; i++) {
        const document = await untitledDocument(`message ${i}`);
        const editor = await vscode.window.showTextDocument(document);
        editor.selections = [new vscode.Selection(0, 0, 0, document.lineAt(0).text.length)];
        const report = await vscode.commands.executeCommand<ProduceReport | undefined>('ckafka.produceSelection', { clusterId, topic });
        assert.strictEqual(report?.acknowledged, 1);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    } finally {
      window.setStatusBarMessage = original;
    }
    assert.deepStrictEqual(
      shown.map((s) => s.text),
      [0, 1, 2, 3, 4].map((offset) => `$(check) Sent to ${clusterId}/${topic}: partition 0, offset ${offset}`),
    );
    assert.ok(
      shown.every((s) => s.timeout !== undefined && s.timeout > 0),
      'each message hides itself',
    );
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    const kept = shown.filter((s) => s.disposable.deref() !== undefined).length;
    assert.strictEqual(kept, 0, `${kept} of ${shown.length} status-bar messages are still held by the extension`);
  });
});

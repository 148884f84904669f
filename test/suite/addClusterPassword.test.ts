import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, startBroker } from '../broker';
import { activate, stubMessages } from './helpers';

/**
 * Add Cluster's guided steps, answered in the real InputBoxes and QuickPicks: the password is stored
 * exactly as typed, spaces included, and Test Connection authenticates with it. The InputBoxes the
 * extension creates are captured (the test shares the extension's `vscode` API object), their value set
 * as the user's typing would, and each step accepted with the workbench's own accept command.
 */
const RUN = Date.now().toString(36);
const USER = 'ckafka-sandbox#spaced';
const PASSWORD = '  spaced secret\t ';

describe('Add Cluster with a password that starts and ends with spaces', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const restore: (() => void)[] = [];

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [USER]: PASSWORD } });
  });

  after(async () => {
    restore.splice(0).forEach((r) => r());
    for (const c of api.clusters.list().filter((c) => c.name === `spaced-${RUN}`)) {
      await api.sessions.drop(c.id);
      await api.clusters.remove(c.id);
    }
    await broker?.stop();
  });

  it('stores the password exactly as typed, and Test Connection authenticates with it', async () => {
    const window = vscode.window as unknown as Record<'createInputBox' | 'createQuickPick', (...args: unknown[]) => unknown>;
    const steps: (vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>)[] = [];
    for (const name of ['createInputBox', 'createQuickPick'] as const) {
      const original = window[name];
      window[name] = (...args: unknown[]) => {
        const created = original.apply(vscode.window, args) as vscode.InputBox;
        steps.push(created);
        return created;
      };
      restore.push(() => (window[name] = original));
    }
    const info = stubMessages('showInformationMessage');
    const errors = stubMessages('showErrorMessage');
    restore.push(info.restore, errors.restore);

    const pending = vscode.commands.executeCommand<string | undefined>('ckafka.addCluster');
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Name, bootstrap servers, protocol (SASL_PLAINTEXT, preselected), mechanism (PLAIN, preselected), instance ID, user name, password.
    const answers: (string | undefined)[] = [`spaced-${RUN}`, broker.bootstrap, undefined, undefined, 'ckafka-sandbox', 'spaced', PASSWORD];
    for (let step = 0; step < answers.length; step++) {
      for (let i = 0; steps.length <= step; i++) {
        assert.ok(i < 100 && !settled, `step ${step + 1} was shown`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const box = steps[step];
      assert.strictEqual(box.step, step + 1);
      const answer = answers[step];
      if (answer !== undefined) {
        assert.ok('password' in box, `step ${step + 1} is an input box`);
        box.value = answer;
      }
      for (let i = 0; steps.length === step + 1 && !settled; i++) {
        assert.ok(i < 100, `step ${step + 1} was accepted`);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const id = await pending;
    assert.ok(id, 'the cluster was added');
    assert.strictEqual((steps[6] as vscode.InputBox).password, true, 'the password was asked in a password box');
    assert.strictEqual(await api.clusters.password(id), PASSWORD, 'stored exactly as typed');
    assert.deepStrictEqual(
      errors.calls.map((c) => c.message),
      [],
    );
    assert.match(info.calls[info.calls.length - 1]?.message ?? '', new RegExp(`^Connected to spaced-${RUN}: `), 'the broker accepted the password');
  });
});

import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StartConsumerArgs } from '../../src/commands/startConsumer';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, untitledDocument, waitFor } from './helpers';

const CYCLES = 5;

/** Active handles and requests of the extension host by type. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('clean shutdown in the host', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const clusterId = `shutdown-${Date.now()}`;

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, topics: [{ name: 'shut-a', partitions: 2 }, { name: 'shut-b', partitions: 1 }], groupInitialRebalanceDelayMs: 0 });
    await api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  after(async () => {
    await api.clusters.remove(clusterId);
    await broker.stop();
  });

  it(`${CYCLES} cycles of consumers and produce, then Stop All and disconnectAll, leave no socket to the broker, no group and flat handles`, async () => {
    const rows: string[] = [];
    let first: Record<string, number> | undefined;
    for (let n = 1; n <= CYCLES; n++) {
      const ids: string[] = [];
      for (const topic of ['shut-a', 'shut-b']) {
        const id = await vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer', { clusterId, topic, from: 'latest' } satisfies StartConsumerArgs);
        assert.ok(id, `cycle ${n}: consumer on ${topic} started`);
        ids.push(id);
      }
      const document = await untitledDocument(Array.from({ length: 50 }, (_, i) => `shutdown-${n}-${i}`).join('\n'));
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
      for (const topic of ['shut-a', 'shut-b']) {
        const report = await vscode.commands.executeCommand<{ acknowledged: number }>('ckafka.produceSelectionAsLines', { clusterId, topic });
        assert.strictEqual(report?.acknowledged, 50);
      }
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await waitFor(`cycle ${n}: both consumers read 50 records`, () => (ids.every((id) => (api.consumers.get(id)?.received ?? 0) >= 50) ? true : undefined), 30_000);
      assert.strictEqual(await vscode.commands.executeCommand('ckafka.stopAllConsumers'), 2);
      await api.sessions.disconnectAll();
      await waitFor(`cycle ${n}: no connection to the broker (open: ${broker.openConnections().join(', ')})`, () => (broker.openConnections().every((c) => c === 0) ? true : undefined), 20_000);
      assert.deepStrictEqual(broker.cluster.groups.listGroupIds().filter((g) => g.startsWith('ckafka-vscode-')), [], `cycle ${n}: no ephemeral group left`);
      const now = resources();
      first ??= now;
      rows.push(`cycle ${n}: ${JSON.stringify(now)}, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB`);
    }
    // Status-bar confirmations (Stop All's) hold a 10 s timer each: let them run out before the last count.
    await new Promise((r) => setTimeout(r, 11_000));
    const last = resources();
    rows.push(`11 s later: ${JSON.stringify(last)}`);
    rows.forEach((r) => console.log(`      ${r}`));
    // The host's own handles come and go; ours would grow with every cycle.
    for (const type of ['TCPWRAP', 'TCPSocketWrap', 'Timeout']) {
      if (first?.[type] !== undefined || last[type] !== undefined) {
        assert.ok((last[type] ?? 0) <= (first?.[type] ?? 0) + 3, `${type}: ${first?.[type] ?? 0} after the first cycle, ${last[type] ?? 0} after the last`);
      }
    }
  });
});

import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate } from './helpers';
import { screen } from './shown';

/**
 * A broker that answers with malformed frames: Test Connection reports a failure for its cluster, another
 * cluster keeps working, and no promise rejection goes unhandled in the extension host.
 */
describe('hostile broker', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let hostile: LocalBroker;
  let healthy: LocalBroker;
  const stamp = Date.now();
  const hostileId = `hostile-${stamp}`;
  const healthyId = `healthy-${stamp}`;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    api = await activate();
    process.on('unhandledRejection', onUnhandled);
    hostile = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, topics: [{ name: 'h', partitions: 1 }] });
    healthy = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD }, topics: [{ name: 'ok', partitions: 1 }] });
    const common = { securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER } as const;
    await api.clusters.add({ id: hostileId, name: hostileId, bootstrapServers: hostile.bootstrap, ...common }, SANDBOX_PASSWORD);
    await api.clusters.add({ id: healthyId, name: healthyId, bootstrapServers: healthy.bootstrap, ...common }, SANDBOX_PASSWORD);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await api.clusters.remove(hostileId);
    await api.clusters.remove(healthyId);
    await hostile.stop();
    await healthy.stop();
  });

  for (const mode of ['truncate', 'wrongLength', 'wrongCorrelationId'] as const) {
    it(`reports a failure for frames with ${mode}, and the other cluster still works`, async () => {
      hostile.faults.malform(mode, 1000);
      try {
        const started = Date.now();
        const bad = await vscode.commands.executeCommand<{ ok: boolean }>('ckafka.testConnection', hostileId);
        console.log(`      ${mode}: Test Connection failed after ${Date.now() - started} ms: ${screen.messages[screen.messages.length - 1]}`);
        assert.strictEqual(bad?.ok, false, `Test Connection of the ${mode} broker fails`);
        const good = await vscode.commands.executeCommand<{ ok: boolean }>('ckafka.testConnection', healthyId);
        assert.strictEqual(good?.ok, true, 'the healthy cluster still connects');
      } finally {
        hostile.faults.clear();
        await api.sessions.drop(hostileId);
      }
      await new Promise((r) => setTimeout(r, 500));
      assert.deepStrictEqual(unhandled.map(String), [], 'no unhandled promise rejection');
    });
  }
});

import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { StartConsumerArgs } from '../../src/commands/startConsumer';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_USER, startBroker } from '../broker';
import { kcat } from '../integration/kcat';
import { activate, waitFor } from './helpers';
import { screen } from './shown';

/**
 * What a workspace, a settings edit or a burst of callers cannot do: redirect a stored password, leave a
 * consumer on old settings, or open two prompts and two clients.
 */
const RUN = Date.now().toString(36);
const TRUST_PASSWORD = `trust-secret-${RUN}`;

/** A TCP listener that keeps every byte it is sent. */
async function listener(): Promise<{ port: number; bytes: () => Buffer; connections: () => number; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytes: () => Buffer.concat(chunks),
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

describe('trust', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const workspaceSettings = path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', '.vscode');
  const clusterSettings = (id: string, bootstrap: string) => ({ id, name: id, bootstrapServers: bootstrap, securityProtocol: 'SASL_PLAINTEXT' as const, saslMechanism: 'PLAIN' as const, username: SANDBOX_USER });
  const globalClusters = () => vscode.workspace.getConfiguration('ckafka').inspect<unknown[]>('clusters')?.globalValue ?? [];

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: TRUST_PASSWORD } });
  });

  after(async () => {
    fs.rmSync(workspaceSettings, { recursive: true, force: true });
    for (const c of api.clusters.list().filter((c) => c.id.startsWith(`trust-${RUN}`))) {
      await api.clusters.remove(c.id);
    }
    await broker.stop();
  });

  it("a workspace's ckafka.clusters cannot point a user's cluster at another host: no byte of the password leaves", async () => {
    const id = `trust-${RUN}-ws`;
    await api.clusters.add(clusterSettings(id, broker.bootstrap), TRUST_PASSWORD);
    const userBefore = JSON.stringify(globalClusters());
    const trap = await listener();
    try {
      fs.mkdirSync(workspaceSettings, { recursive: true });
      const attack = [{ id, name: 'evil', bootstrapServers: `127.0.0.1:${trap.port}`, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'x' }];
      // A harmless setting beside it shows when VS Code has read the file (it ignores the application-scoped one).
      fs.writeFileSync(path.join(workspaceSettings, 'settings.json'), JSON.stringify({ 'ckafka.clusters': attack, 'ckafka.consumer.maxLines': 4321 }));
      await waitFor('VS Code to read the workspace settings', () => (vscode.workspace.getConfiguration('ckafka').inspect('consumer.maxLines')?.workspaceValue === 4321 ? true : undefined), 20_000);
      const shown = screen.messages.length;
      await vscode.commands.executeCommand('ckafka.testConnection', id);
      const answer = await waitFor('Test Connection to answer', () => screen.messages.slice(shown).find((m) => /^Connected to |failed for /.test(m)), 30_000);
      assert.strictEqual(trap.connections(), 0, 'nothing connected to the workspace host');
      assert.ok(answer.startsWith(`Connected to ${id}`), `the user cluster connects to its own broker: ${answer}`);
      await api.sessions.admin(api.clusters.get(id)!);
      // A cluster command writes back only what it read: the User settings, without the workspace's entry.
      await vscode.commands.executeCommand('ckafka.renameCluster', id, `${id}-renamed`);
      await new Promise((r) => setTimeout(r, 500));
      assert.strictEqual(trap.connections(), 0, 'nothing connected to the workspace host');
      assert.ok(!trap.bytes().includes(Buffer.from(TRUST_PASSWORD)), 'the password never reached it');
      const userAfter = globalClusters();
      assert.strictEqual(JSON.stringify(userAfter).replace(`${id}-renamed`, id), userBefore, 'User settings hold only the user’s entries, renamed');
      assert.ok(!JSON.stringify(userAfter).includes('evil'));
    } finally {
      fs.rmSync(workspaceSettings, { recursive: true, force: true });
      await trap.close();
    }
  });

  it('a hand-edited SSL or unknown protocol stops that cluster with an error naming the field, never PLAIN over plaintext', async () => {
    const id = `trust-${RUN}-ssl`;
    const trap = await listener();
    try {
      await vscode.workspace
        .getConfiguration('ckafka')
        .update('clusters', [...globalClusters(), { ...clusterSettings(id, `127.0.0.1:${trap.port}`), securityProtocol: 'SSL' }], vscode.ConfigurationTarget.Global);
      await waitFor('the warning about the entry', () => screen.messages.find((m) => m.includes(`Cluster "${id}": securityProtocol "SSL"`)));
      await vscode.commands.executeCommand('ckafka.testConnection', id);
      await waitFor('the error', () => screen.messages.filter((m) => m.includes('securityProtocol "SSL" (TLS without SASL) is not supported')).length >= 2 || undefined);
      assert.strictEqual(trap.connections(), 0);
    } finally {
      await vscode.workspace.getConfiguration('ckafka').update('clusters', globalClusters().filter((c) => (c as { id: string }).id !== id), vscode.ConfigurationTarget.Global);
      await trap.close();
    }
  });

  it('twenty concurrent first uses of a cluster ask for the password once and open one admin connection', async () => {
    const id = `trust-${RUN}-burst`;
    await api.clusters.add(clusterSettings(id, broker.bootstrap), undefined);
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const original = window.showInputBox;
    let asked = 0;
    window.showInputBox = async () => {
      asked++;
      await new Promise((r) => setTimeout(r, 300));
      return TRUST_PASSWORD;
    };
    const before = broker.openConnections().reduce((a, b) => a + b, 0);
    try {
      const cluster = api.clusters.get(id)!;
      const admins = await Promise.all(Array.from({ length: 20 }, () => api.sessions.admin(cluster)));
      assert.strictEqual(asked, 1, 'one password prompt');
      assert.strictEqual(new Set(admins).size, 1, 'one admin client');
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(broker.openConnections().reduce((a, b) => a + b, 0) - before, 1, 'one connection to the broker');
    } finally {
      window.showInputBox = original;
      await api.sessions.drop(id);
    }
  });

  it('a running consumer follows Edit Cluster to another broker, and stops with a reason on Remove', async () => {
    // Two brokers of this test alone, so that their connection counts are this consumer's.
    const first = await startBroker({ users: { [SANDBOX_USER]: TRUST_PASSWORD } });
    const other = await startBroker({ users: { [SANDBOX_USER]: TRUST_PASSWORD } });
    const id = `trust-${RUN}-edit`;
    const topic = `trust-${RUN}`;
    try {
      for (const b of [first, other]) {
        b.cluster.topics.create({ name: topic, partitions: 1 });
      }
      await api.clusters.add(clusterSettings(id, first.bootstrap), TRUST_PASSWORD);
      const consumerId = await vscode.commands.executeCommand<string>('ckafka.startConsumer', { clusterId: id, topic, from: 'earliest' } satisfies StartConsumerArgs);
      const consumer = api.consumers.get(consumerId)!;
      assert.ok(first.openConnections().some((n) => n > 0));
      await vscode.commands.executeCommand('ckafka.editCluster', id, { bootstrapServers: other.bootstrap });
      await waitFor('the channel to say it reconnects', () => consumer.lines().find((l) => l.includes(`reconnecting to ${other.bootstrap}`)), 20_000);
      await waitFor('the old broker to have no connection left', () => (first.openConnections().every((n) => n === 0) ? true : undefined), 20_000);
      await waitFor('the consumer to join on the new broker', () => (consumer.state === 'running' && other.openConnections().some((n) => n > 0) ? true : undefined), 20_000);
      const sent = await kcat({ bootstrap: other.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: TRUST_PASSWORD }, ['-P', '-t', topic], 'from-the-new-broker\n');
      assert.strictEqual(sent.code, 0, sent.stderr);
      await waitFor('the record from the new broker', () => consumer.lines().find((l) => l.endsWith('Value:[from-the-new-broker]')), 20_000);
      await vscode.commands.executeCommand('ckafka.removeCluster', id, { confirm: true });
      await waitFor('the channel to say why it stopped', () => consumer.lines().find((l) => l.includes(`The cluster ${id} was removed, so this consumer stopped.`)), 20_000);
      await waitFor('the consumer to be gone', () => (api.consumers.get(consumerId) === undefined ? true : undefined));
      await waitFor('the new broker to have no connection left', () => (other.openConnections().every((n) => n === 0) ? true : undefined), 20_000);
    } finally {
      await vscode.commands.executeCommand('ckafka.stopAllConsumers');
      await other.stop();
      await first.stop();
    }
  });
});

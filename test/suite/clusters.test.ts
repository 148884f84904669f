import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ClusterAnswers } from '../../src/clusters/wizard';
import type { ConnectionTestResult } from '../../src/clusters/connectionTest';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate } from './helpers';
import { screen } from './shown';

const [INSTANCE, USER] = SANDBOX_USER.split('#');

describe('clusters and secrets', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  const added: string[] = [];

  const add = async (answers: Partial<ClusterAnswers>): Promise<string> => {
    const id = await vscode.commands.executeCommand<string>('ckafka.addCluster', {
      name: `suite-${added.length}-${Date.now()}`,
      bootstrapServers: broker.bootstrap,
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: 'PLAIN',
      instanceId: INSTANCE,
      username: USER,
      password: SANDBOX_PASSWORD,
      testConnection: false,
      ...answers,
    });
    assert.ok(id, 'Add Cluster returned the new id');
    added.push(id);
    return id;
  };

  before(async () => {
    api = await activate();
    broker = await startBroker({ topics: [{ name: 'orders', partitions: 3 }] });
  });

  after(async () => {
    for (const id of added) {
      await api.clusters.remove(id);
    }
    await broker.stop();
  });

  it('Add Cluster keeps the password in SecretStorage and nothing secret in ckafka.clusters', async () => {
    const id = await add({});
    assert.strictEqual(await api.clusters.password(id), SANDBOX_PASSWORD);
    const stored = vscode.workspace.getConfiguration('ckafka').inspect<unknown[]>('clusters')?.globalValue ?? [];
    const entry = stored.find((c) => (c as { id: string }).id === id) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(entry).sort(), ['bootstrapServers', 'id', 'name', 'saslMechanism', 'securityProtocol', 'username']);
    assert.strictEqual(entry.username, SANDBOX_USER, 'instance ID and user name are joined with #');
    assert.ok(!JSON.stringify(stored).includes(SANDBOX_PASSWORD));
    const settingsFile = vscode.Uri.joinPath(api.globalStorageUri, '..', '..', 'settings.json');
    const settingsText = Buffer.from(await vscode.workspace.fs.readFile(settingsFile)).toString('utf8');
    assert.ok(settingsText.includes(id), `the cluster is in ${settingsFile.toString()}`);
    assert.ok(!settingsText.includes(SANDBOX_PASSWORD), 'settings.json holds no password');
  });

  it('Add Cluster refuses invalid answers with the validation message and stores nothing', async () => {
    const before = api.clusters.list().length;
    const result = await vscode.commands.executeCommand('ckafka.addCluster', {
      name: 'bad',
      bootstrapServers: 'localhost',
      securityProtocol: 'SASL_PLAINTEXT',
      instanceId: INSTANCE,
      username: USER,
      password: 'x',
    } satisfies ClusterAnswers);
    assert.strictEqual(result, undefined);
    assert.strictEqual(api.clusters.list().length, before);
    assert.match(screen.messages[screen.messages.length - 1], /has no port/);
  });

  it('Test Connection reports every step on the local broker', async () => {
    const id = await add({});
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', id);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepStrictEqual(
      result.steps.map((s) => s.step),
      ['resolve', 'connect', 'authenticate', 'metadata', 'topicAccess'],
    );
    assert.match(result.steps[3].detail, /1 broker\(s\), 1 topic\(s\)/);
    assert.strictEqual(api.sessions.status(id), 'connected');
  });

  it('a wrong password gives the User Management hint in under 10 s', async () => {
    const id = await add({ password: 'wrong-password' });
    const started = Date.now();
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', id);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.strictEqual(result.ok, false);
    assert.strictEqual(result.steps[result.steps.length - 1].step, 'authenticate');
    assert.match(result.hint ?? '', /instanceId#username/);
    assert.ok(!screen.messages.some((m) => m.includes('wrong-password')), 'no message repeats the password');
  });

  it('a closed port gives the access-route hint in under 10 s', async () => {
    const closed = await startBroker();
    const address = closed.bootstrap;
    await closed.stop();
    const id = await add({ bootstrapServers: address });
    const started = Date.now();
    const result = await vscode.commands.executeCommand<ConnectionTestResult>('ckafka.testConnection', id);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.strictEqual(result.ok, false);
    assert.strictEqual(result.steps[result.steps.length - 1].step, 'connect');
    assert.match(result.hint ?? '', /接入方式/);
  });

  it('Remove Cluster deletes its secret', async () => {
    const id = await add({});
    assert.strictEqual(await api.clusters.password(id), SANDBOX_PASSWORD);
    await vscode.commands.executeCommand('ckafka.removeCluster', id, { confirm: true });
    assert.strictEqual(api.clusters.get(id), undefined);
    assert.strictEqual(await api.clusters.password(id), undefined);
  });
});

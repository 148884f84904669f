import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { Admin } from 'kafkajs';
import * as vscode from 'vscode';
import type { StartConsumerArgs } from '../../src/commands/startConsumer';
import type { ExtensionApi } from '../../src/extension';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { kafkaFor, Target } from '../integration/env';
import { kcatConnection } from '../integration/kcat';
import { activate, stubMessages } from './helpers';

/**
 * Start Consumer with a named group and an offset: the group is never moved without a word. With an
 * application consuming in the group (kcat -G, a librdkafka balanced consumer) the move is refused and its
 * members named; with none, a modal lists each partition's committed → new offset, and only Move Group
 * commits. The committed offsets are read from the broker over TCP with a kafkajs admin.
 */
const RUN = Date.now().toString(36);

describe('Start Consumer moving a named group', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let target: Target;
  let admin: Admin;
  const clusterId = `move-${RUN}`;
  let topic: string;
  let groupCount = 0;
  const stubs: { restore: () => void }[] = [];
  const kcats: ChildProcess[] = [];

  const start = (args: Omit<StartConsumerArgs, 'clusterId' | 'topic'>) =>
    vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer', { clusterId, topic, ...args } satisfies StartConsumerArgs);
  const committed = async (groupId: string) =>
    Object.fromEntries(((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
  /** A group with committed offsets 3 (partition 0) and 4 (partition 1), and no member. */
  const groupAt3and4 = async () => {
    const groupId = `app-${RUN}-${groupCount++}`;
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '4' }] });
    assert.deepStrictEqual(await committed(groupId), { 0: '3', 1: '4' });
    return groupId;
  };
  const describeGroup = async (groupId: string) => (await admin.describeGroups([groupId])).groups[0];

  before(async () => {
    api = await activate();
    broker = await startBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
    target = { bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', mechanism: 'PLAIN', username: SANDBOX_USER, password: SANDBOX_PASSWORD };
    admin = kafkaFor(target).admin();
    await admin.connect();
    topic = `move-${RUN}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = kafkaFor(target).producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }
    await producer.disconnect();
    await api.clusters.add({ id: clusterId, name: clusterId, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  });

  afterEach(async () => {
    stubs.splice(0).forEach((s) => s.restore());
    for (const child of kcats.splice(0)) {
      child.kill('SIGKILL');
    }
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
  });

  after(async () => {
    await admin?.disconnect();
    await api.sessions.drop(clusterId);
    await api.clusters.remove(clusterId);
    await broker?.stop();
  });

  it('refuses while an application (kcat -G) consumes in the group, naming its members, and commits nothing', async () => {
    const groupId = await groupAt3and4();
    // A live member that commits nothing itself, so any change of the committed offsets would be ours.
    const kcat = spawn('kcat', [...kcatConnection(target), '-q', '-X', 'client.id=billing-service', '-X', 'enable.auto.commit=false', '-G', groupId, topic], { stdio: ['ignore', 'ignore', 'pipe'] });
    kcats.push(kcat);
    let stderr = '';
    kcat.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 30_000;
    while ((await describeGroup(groupId)).state !== 'Stable') {
      assert.ok(Date.now() < deadline, `kcat joined ${groupId}; kcat said: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const errors = stubMessages('showErrorMessage');
    const warnings = stubMessages('showWarningMessage', () => 'Move Group');
    stubs.push(errors, warnings);

    assert.strictEqual(await start({ group: groupId, from: { offset: 0 } }), undefined);
    assert.strictEqual(
      warnings.calls.filter((c) => c.options?.modal).length,
      0,
      'no confirmation is offered',
    );
    const message = errors.calls[errors.calls.length - 1]?.message ?? '';
    assert.match(message, new RegExp(`^Consumer group ${groupId} is in use by 1 consumer\\(s\\): billing-service on /127\\.0\\.0\\.1\\. `));
    assert.match(message, /Stop those consumers first, or read from that position with an ephemeral group/);
    assert.deepStrictEqual(await committed(groupId), { 0: '3', 1: '4' }, 'the committed offsets are unchanged');
    assert.strictEqual((await describeGroup(groupId)).members.length, 1, 'the application is still the only member');
  });

  it('refuses while a kafkajs application (the same assignor as ours) consumes in the group, and commits nothing', async () => {
    const groupId = await groupAt3and4();
    const member = kafkaFor(target, { clientId: 'orders-service' }).consumer({ groupId });
    await member.connect();
    try {
      await member.subscribe({ topic });
      await member.run({ autoCommit: false, eachMessage: async () => undefined });
      const deadline = Date.now() + 30_000;
      while ((await describeGroup(groupId)).state !== 'Stable') {
        assert.ok(Date.now() < deadline, `the member joined ${groupId}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const errors = stubMessages('showErrorMessage');
      const warnings = stubMessages('showWarningMessage', () => 'Move Group');
      stubs.push(errors, warnings);
      assert.strictEqual(await start({ group: groupId, from: { offset: 0 } }), undefined);
      assert.match(errors.calls[errors.calls.length - 1]?.message ?? '', new RegExp(`^Consumer group ${groupId} is in use by 1 consumer\\(s\\): orders-service on /127\\.0\\.0\\.1\\. `));
      // Give a consumer that wrongly started the time to join, seek and commit.
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepStrictEqual(await committed(groupId), { 0: '3', 1: '4' }, 'the committed offsets are unchanged');
    } finally {
      await member.disconnect();
    }
  });

  it('with no member, shows committed → new offset per partition in a modal; Move Group moves the group', async () => {
    const groupId = await groupAt3and4();
    const warnings = stubMessages('showWarningMessage', (call) => (call.options?.modal ? 'Move Group' : undefined));
    stubs.push(warnings);

    const id = await start({ group: groupId, from: { offset: 10 } });
    assert.ok(id, 'the consumer started');
    const modal = warnings.calls.filter((c) => c.options?.modal);
    assert.strictEqual(modal.length, 1);
    assert.strictEqual(modal[0].message, `Move consumer group ${groupId} to offset 10 on every partition?`);
    assert.deepStrictEqual(modal[0].items, ['Move Group']);
    const detail = modal[0].options?.detail ?? '';
    assert.ok(detail.includes('Partition 0: 3 → 10\nPartition 1: 4 → 10'), detail);
    const deadline = Date.now() + 20_000;
    while (JSON.stringify(await committed(groupId)) !== JSON.stringify({ 0: '10', 1: '10' })) {
      assert.ok(Date.now() < deadline, `the group moved to 10: ${JSON.stringify(await committed(groupId))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('with no member, cancelling the modal starts nothing and commits nothing', async () => {
    const groupId = await groupAt3and4();
    const warnings = stubMessages('showWarningMessage', () => undefined);
    stubs.push(warnings);

    assert.strictEqual(await start({ group: groupId, from: { offset: 7, partition: 1 } }), undefined);
    const modal = warnings.calls.filter((c) => c.options?.modal);
    assert.strictEqual(modal.length, 1);
    assert.strictEqual(modal[0].message, `Move consumer group ${groupId} to offset 7 of partition 1 (only that partition is read)?`);
    assert.ok((modal[0].options?.detail ?? '').endsWith('\n\nPartition 1: 4 → 7'), modal[0].options?.detail);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepStrictEqual(await committed(groupId), { 0: '3', 1: '4' });
    assert.strictEqual((await describeGroup(groupId)).state, 'Empty', 'no consumer joined');
  });

  it('Earliest with a named group asks nothing: it only fills partitions without a commit', async () => {
    const groupId = await groupAt3and4();
    const warnings = stubMessages('showWarningMessage', () => undefined);
    stubs.push(warnings);
    assert.ok(await start({ group: groupId, from: 'earliest' }));
    assert.strictEqual(warnings.calls.filter((c) => c.options?.modal).length, 0);
  });
});

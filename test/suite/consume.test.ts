import * as assert from 'assert';
import { Admin, Kafka, logLevel, Producer } from 'kafkajs';
import * as vscode from 'vscode';
import type { StartConsumerArgs } from '../../src/commands/startConsumer';
import type { RunningConsumer } from '../../src/consumers/running';
import type { ExtensionApi } from '../../src/extension';
import type { ExplorerNode } from '../../src/views/explorer';
import { ErrorCode, LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER, startBroker } from '../broker';
import { activate, waitFor } from './helpers';
import { screen } from './shown';

/**
 * Start Consumer, Stop Consumer and Stop All Consumers in the real extension host against a local broker.
 * The channel's text is read through `api.consumers` (VS Code cannot read an output channel back), and
 * the record lines are compared exactly.
 */
const READER = 'ckafka-sandbox#reader';
const READER_PASSWORD = 'reader-secret';
const FETCH = 1;
const RUN = Date.now().toString(36);
const ids = { main: `consume-${RUN}`, reader: `consume-reader-${RUN}`, badPassword: `consume-badpw-${RUN}` };
const RECORD = /^Topic:\[([^\]]+)\] Partition:\[(\d+)\] Offset:\[(\d+)\] Key:\[(.*?)\] Timestamp:\[([^\]]+)\] Value:\[(.*)\]$/;

/** `partition:offset:value` of each record line of a consumer's channel, in channel order. */
function records(consumer: RunningConsumer): string[] {
  return consumer
    .lines()
    .map((l) => RECORD.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]}:${m[3]}:${m[6]}`);
}

describe('consumers', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let broker: LocalBroker;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let topicCount = 0;

  const start = (args: Partial<StartConsumerArgs> & { topic: string }) =>
    vscode.commands.executeCommand<string | undefined>('ckafka.startConsumer', { clusterId: ids.main, ...args } satisfies StartConsumerArgs);
  const consumer = (id: string | undefined): RunningConsumer => {
    assert.ok(id, `the command returned a consumer id; last messages: ${screen.messages.slice(-3).join(' | ')}`);
    const found = api.consumers.get(id);
    assert.ok(found, `consumer ${id} is running`);
    return found;
  };
  const newTopic = async (partitions: number, messages: { partition: number; value: string | Buffer; key?: string; timestamp?: number }[] = []) => {
    const topic = `consume-${RUN}-${topicCount++}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    if (messages.length > 0) {
      await producer.send({ topic, messages: messages.map((m) => ({ ...m, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) })) });
    }
    return topic;
  };
  const waitForRecords = (c: RunningConsumer, count: number, timeoutMs = 20_000) =>
    waitFor(`${count} records in ${c.channelName}`, () => (records(c).length >= count ? records(c) : undefined), timeoutMs);
  const lastMessage = () => screen.messages[screen.messages.length - 1] ?? '';

  before(async () => {
    api = await activate();
    broker = await startBroker({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [READER]: READER_PASSWORD },
      acls: { [READER]: { read: ['consume-*'], groups: ['reader-*'] } },
    });
    kafka = new Kafka({
      clientId: 'consume-test',
      brokers: broker.brokers,
      sasl: { mechanism: 'plain', username: SANDBOX_USER, password: SANDBOX_PASSWORD },
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    const add = (id: string, username: string, password: string) =>
      api.clusters.add({ id, name: id, bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username }, password);
    await add(ids.main, SANDBOX_USER, SANDBOX_PASSWORD);
    await add(ids.reader, READER, READER_PASSWORD);
    await add(ids.badPassword, SANDBOX_USER, 'not-the-password');
  });

  afterEach(async () => {
    await broker.faults.startAll();
    await vscode.commands.executeCommand('ckafka.stopAllConsumers');
    await vscode.workspace.getConfiguration('ckafka.consumer').update('format', undefined, vscode.ConfigurationTarget.Global);
    broker.faults.clear();
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    for (const id of Object.values(ids)) {
      if (api.clusters.get(id)) {
        await api.sessions.drop(id);
        await api.clusters.remove(id);
      }
    }
    await broker?.stop();
  });

  it('starts from earliest: the channel shows exactly the records, in the CKafka demo shape, and is shown', async () => {
    const time = Date.UTC(2026, 10, 24, 8, 0, 0);
    const topic = await newTopic(2, [
      { partition: 0, value: 'a0', key: 'k1', timestamp: time },
      { partition: 0, value: 'a1', timestamp: time + 1 },
      { partition: 1, value: 'b0', timestamp: time + 2 },
    ]);
    const c = consumer(await start({ topic, from: 'earliest' }));
    assert.strictEqual(c.channelName, `CKafka: ${ids.main}/${topic}`);
    assert.match(c.groupId, /^ckafka-vscode-[A-Za-z0-9]{1,8}-[0-9a-f]{8}$/);
    await waitForRecords(c, 3);
    assert.deepStrictEqual(records(c).sort(), ['0:0:a0', '0:1:a1', '1:0:b0']);
    assert.ok(
      c.lines().includes(`Topic:[${topic}] Partition:[0] Offset:[0] Key:[k1] Timestamp:[2026-11-24T08:00:00.000Z] Value:[a0]`),
      c.lines().join('\n'),
    );
    // The channel itself (an output document once shown) holds the same line.
    const doc = await waitFor('the consumer channel document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes(topic) && d.getText().includes('Value:[a0]')),
    );
    assert.match(doc.getText(), /Offset:\[1\] Key:\[\] Timestamp:\[2026-11-24T08:00:00.001Z\] Value:\[a1\]/);
  });

  it('starts from latest: only records produced after the start', async () => {
    const topic = await newTopic(2, [{ partition: 0, value: 'old' }]);
    const c = consumer(await start({ topic }));
    await producer.send({ topic, messages: [{ partition: 0, value: 'new0' }, { partition: 1, value: 'new1' }] });
    await waitForRecords(c, 2);
    assert.deepStrictEqual(records(c).sort(), ['0:1:new0', '1:0:new1']);
  });

  it('starts from an offset: on every partition, or on one partition only', async () => {
    const topic = await newTopic(2, [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, value: `v${i}` })));
    const all = consumer(await start({ topic, from: { offset: 1 } }));
    const one = consumer(await start({ topic, from: { offset: 2, partition: 0 } }));
    await waitForRecords(all, 4);
    await waitForRecords(one, 1);
    await producer.send({ topic, messages: [{ partition: 1, value: 'p1-late' }, { partition: 0, value: 'p0-late' }] });
    await waitForRecords(all, 6);
    await waitForRecords(one, 2);
    assert.deepStrictEqual(records(all).sort(), ['0:1:v2', '0:2:v4', '0:3:p0-late', '1:1:v3', '1:2:v5', '1:3:p1-late']);
    assert.deepStrictEqual(records(one), ['0:2:v4', '0:3:p0-late'], 'partition 1 is not read');
  });

  it('starts from a timestamp given as an ISO date-time', async () => {
    const base = Date.UTC(2026, 0, 1, 0, 0, 0);
    const topic = await newTopic(2, [
      { partition: 0, value: 'before', timestamp: base - 60_000 },
      { partition: 0, value: 'at', timestamp: base },
      { partition: 1, value: 'after', timestamp: base + 60_000 },
      { partition: 1, value: 'long-before', timestamp: base - 3_600_000 },
    ]);
    const c = consumer(await start({ topic, from: { timestamp: '2026-01-01T08:00:00+08:00' } }));
    await waitForRecords(c, 3);
    await producer.send({ topic, messages: [{ partition: 1, value: 'now' }] });
    await waitForRecords(c, 4);
    // As in Kafka, reading goes on from the first offset at or after the time, whatever the later timestamps.
    assert.deepStrictEqual(records(c).sort(), ['0:1:at', '1:0:after', '1:1:long-before', '1:2:now']);
  });

  it('refuses a garbage start position with the validation message', async () => {
    const topic = await newTopic(1);
    const before = api.consumers.list().length;
    assert.strictEqual(await start({ topic, from: { timestamp: 'next tuesday' } }), undefined);
    assert.match(lastMessage(), /"next tuesday" is not a time/);
    assert.strictEqual(api.consumers.list().length, before);
  });

  it('renders Chinese as is, binary as base64, and escapes line breaks', async () => {
    const topic = await newTopic(1, [
      { partition: 0, value: '订单已支付：¥42' },
      { partition: 0, value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
      { partition: 0, value: 'line1\nline2\r\n' },
    ]);
    const c = consumer(await start({ topic, from: 'earliest' }));
    await waitForRecords(c, 3);
    assert.deepStrictEqual(records(c), ['0:0:订单已支付：¥42', '0:1:base64://4AAQ==', '0:2:line1\\nline2\\r\\n']);
    assert.ok(c.lines().every((l) => !/[\u0000-\u001f]/.test(l)));
  });

  it('with ckafka.consumer.format = json, writes one JSON object per line', async () => {
    await vscode.workspace.getConfiguration('ckafka.consumer').update('format', 'json', vscode.ConfigurationTarget.Global);
    const topic = await newTopic(1, [
      { partition: 0, value: '{"id":1}', key: '键' },
      { partition: 0, value: Buffer.from([0x80]) },
      { partition: 0, value: 'multi\nline' },
    ]);
    const c = consumer(await start({ topic, from: 'earliest' }));
    const lines = await waitFor('3 JSON lines', () => {
      const json = c.lines().filter((l) => l.startsWith('{'));
      return json.length >= 3 ? json : undefined;
    });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepStrictEqual(
      parsed.map((p) => [p.topic, p.partition, p.offset, p.key, p.value, p.valueEncoding]),
      [
        [topic, 0, 0, '键', '{"id":1}', undefined],
        [topic, 0, 1, null, 'gA==', 'base64'],
        [topic, 0, 2, null, 'multi\nline', undefined],
      ],
    );
    assert.ok(parsed.every((p) => typeof p.headers === 'object' && typeof p.timestamp === 'string'));
  });

  it('shows running consumers in the status bar and the tree; stopping one stops its output and removes it', async () => {
    const topic = await newTopic(1);
    const first = consumer(await start({ topic }));
    const second = consumer(await start({ topic }));
    assert.match(api.consumers.statusBar.text ?? '', /2 consuming/);
    const explorer = api.explorer;
    assert.ok(explorer);
    const clusterNode = explorer.clusterNode(ids.main);
    assert.ok(clusterNode);
    const folders = await explorer.getChildren(clusterNode);
    const running = folders.find((n: ExplorerNode) => n.contextValue === 'consumers');
    assert.ok(running, 'the cluster shows its Running Consumers');
    const nodes = await explorer.getChildren(running);
    assert.deepStrictEqual(nodes.map((n) => [n.contextValue, (n as { consumerId?: string }).consumerId]).sort(), [
      ['consumer', first.id],
      ['consumer', second.id],
    ].sort());

    await producer.send({ topic, messages: [{ value: 'one' }] });
    await waitForRecords(first, 1);
    await waitForRecords(second, 1);
    assert.strictEqual(await vscode.commands.executeCommand('ckafka.stopConsumer', first.id), true);
    assert.strictEqual(api.consumers.get(first.id), undefined);
    assert.strictEqual(first.state, 'stopped');
    assert.match(api.consumers.statusBar.text ?? '', /1 consuming/);
    const afterStop = [...first.lines()];
    assert.match(afterStop[afterStop.length - 1], /stopped|deleted/);

    await producer.send({ topic, messages: [{ value: 'two' }] });
    await waitForRecords(second, 2);
    assert.deepStrictEqual(first.lines(), afterStop, 'the stopped consumer shows nothing more');
    assert.deepStrictEqual(records(first), ['0:0:one']);

    const remaining = await explorer.getChildren(await waitFor('the folder', () => explorer.clusterNode(ids.main)));
    const folder = remaining.find((n: ExplorerNode) => n.contextValue === 'consumers');
    assert.ok(folder);
    assert.deepStrictEqual((await explorer.getChildren(folder)).map((n) => (n as { consumerId?: string }).consumerId), [second.id]);

    assert.strictEqual(await vscode.commands.executeCommand('ckafka.stopAllConsumers'), 1);
    assert.strictEqual(api.consumers.statusBar.text, undefined, 'the status bar item is hidden');
    assert.ok(!(await explorer.getChildren(explorer.clusterNode(ids.main))).some((n: ExplorerNode) => n.contextValue === 'consumers'));
  });

  it('goes on after a broker restart with a fault injected: no gap, no duplicate, degraded meanwhile', async () => {
    const topic = await newTopic(2, Array.from({ length: 30 }, (_, i) => ({ partition: i % 2, value: `r${i}` })));
    const c = consumer(await start({ topic, from: 'earliest' }));
    await waitForRecords(c, 30);
    await broker.faults.stopAll();
    await waitFor('the consumer to notice', () => (c.state === 'reconnecting' ? true : undefined), 60_000);
    assert.strictEqual(api.consumers.statusBar.degraded, true);
    assert.match(api.consumers.statusBar.text ?? '', /\$\(warning\)/);
    await waitFor('the channel to say so', () => (c.lines().some((l) => /Connection lost/.test(l)) ? true : undefined));
    await broker.faults.startAll();
    broker.faults.failNext(FETCH, 2, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 2, value: `r${30 + i}` })) });
    await waitForRecords(c, 60, 60_000);
    await waitFor('the consumer running again', () => (c.state === 'running' ? true : undefined));
    assert.strictEqual(api.consumers.statusBar.degraded, false);
    const offsets = records(c).map((r) => r.split(':').slice(0, 2).join(':'));
    assert.strictEqual(new Set(offsets).size, offsets.length, `no duplicate: ${offsets.join(' ')}`);
    assert.deepStrictEqual(offsets.sort(), [0, 1].flatMap((p) => Array.from({ length: 30 }, (_, o) => `${p}:${o}`)).sort(), 'no gap');
    await waitFor('the channel to say it reconnected', () => (c.lines().some((l) => /Reconnected/.test(l)) ? true : undefined));
  });

  it("keeps a named group's committed offsets across a stop and a start", async () => {
    const topic = await newTopic(1, [{ partition: 0, value: 'first' }, { partition: 0, value: 'second' }]);
    const group = `app-${RUN}`;
    const first = consumer(await start({ topic, from: 'earliest', group }));
    assert.strictEqual(first.groupId, group);
    await waitForRecords(first, 2);
    await vscode.commands.executeCommand('ckafka.stopConsumer', first.id);
    assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === group), 'a named group is kept');
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    assert.strictEqual(committed[0].partitions[0].offset, '2');
    await producer.send({ topic, messages: [{ partition: 0, value: 'third' }] });
    const second = consumer(await start({ topic, from: 'earliest', group }));
    await waitForRecords(second, 1);
    await producer.send({ topic, messages: [{ partition: 0, value: 'fourth' }] });
    await waitForRecords(second, 2);
    assert.deepStrictEqual(records(second), ['0:2:third', '0:3:fourth']);
  });

  it('deletes an ephemeral group when its consumer stops', async () => {
    const topic = await newTopic(1, [{ partition: 0, value: 'x' }]);
    const c = consumer(await start({ topic, from: 'earliest' }));
    await waitForRecords(c, 1);
    assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === c.groupId), 'the group exists while consuming');
    await vscode.commands.executeCommand('ckafka.stopConsumer', c.id);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === c.groupId), 'the group is gone');
    assert.ok(c.lines().some((l) => l.includes(`${c.groupId} was deleted`)));
  });

  it('counts a flood of records exactly, shows the newest, and says how many it did not show', async () => {
    const total = 60_000;
    const topic = await newTopic(2);
    for (let from = 0; from < total; from += 10_000) {
      await producer.send({ topic, messages: Array.from({ length: 10_000 }, (_, k) => ({ partition: (from + k) % 2, value: `flood-${from + k}` })) });
    }
    const c = consumer(await start({ topic, from: 'earliest' }));
    await waitFor(`${total} records received`, () => (c.received >= total ? true : undefined), 60_000);
    // The record handed over last, the last of one partition, ends the channel.
    const lastOf = [`0:${total / 2 - 1}:flood-${total - 2}`, `1:${total / 2 - 1}:flood-${total - 1}`];
    await waitFor('the last record in the channel', () => (lastOf.includes(records(c)[records(c).length - 1]) ? true : undefined), 10_000);
    assert.strictEqual(c.received, total, 'every record is counted, once');
    const notes = c.lines().filter((l) => /\d+ records not shown: \d+ arrived a second, more than this channel can show\. The newest follow\.$/.test(l));
    assert.ok(notes.length > 0, `the channel says that records were not shown: ${c.lines().slice(0, 3).join(' | ')}`);
    const shown = records(c);
    assert.ok(shown.length > 0 && c.lines().length <= 10_000, `${shown.length} records shown in ${c.lines().length} lines`);
    assert.strictEqual(new Set(shown).size, shown.length, 'no record twice');
    for (const r of shown) {
      const [partition, offset, value] = r.split(':');
      assert.strictEqual(value, `flood-${Number(offset) * 2 + Number(partition)}`, r);
    }
  });

  it('gives the ACL hint for a group the user may not use, and keeps nothing running', async () => {
    const topic = await newTopic(1, [{ partition: 0, value: 'x' }]);
    const before = api.consumers.list().length;
    assert.strictEqual(await start({ clusterId: ids.reader, topic, from: 'earliest', group: 'not-allowed' }), undefined);
    assert.match(lastMessage(), /consumer group.*ACL 策略管理/);
    assert.strictEqual(await start({ clusterId: ids.reader, topic, from: 'earliest' }), undefined, 'the ephemeral group is not allowed either');
    assert.match(lastMessage(), /consumer group.*ACL 策略管理/);
    assert.strictEqual(api.consumers.list().length, before);
    const allowed = consumer(await start({ clusterId: ids.reader, topic, from: 'earliest', group: 'reader-app' }));
    await waitForRecords(allowed, 1);
  });

  it('gives the User Management hint for a wrong password and the topic hint for an unknown topic', async () => {
    const topic = await newTopic(1);
    assert.strictEqual(await start({ clusterId: ids.badPassword, topic }), undefined);
    assert.match(lastMessage(), /用户管理/);
    assert.ok(!screen.messages.some((m) => m.includes('not-the-password')));
    assert.strictEqual(await start({ topic: 'no-such-topic' }), undefined);
    assert.match(lastMessage(), /Cannot start the consumer on no-such-topic: The topic does not exist/);
    assert.strictEqual(api.consumers.list().length, 0);
  });
});

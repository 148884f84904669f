import * as assert from 'assert';
import { Producer } from 'kafkajs';
import { SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { ClusterSettings, kafkaConfig } from '../../src/kafka/cluster';
import { ConsumeError, ConsumerEvent, ConsumerSession, ConsumeOptions, ephemeralGroupId } from '../../src/kafka/consume';
import { DEFAULT_FORMAT } from '../../src/kafka/format';
import { OutputBuffer, OutputSink } from '../../src/kafka/output';
import { StartPosition } from '../../src/kafka/position';
import { RecordPrinter } from '../../src/kafka/printer';
import { ValidationError } from '../../src/kafka/validation';
import { kafkaFor, localOnly, startTarget, Target, uniqueTopic, waitUntil } from './env';

const READER = 'ckafka-sandbox#reader';
const READER_PASSWORD = 'reader-secret';

/** A consumer wired as the extension wires it: session → printer → buffer → a sink keeping the text. */
class Run implements OutputSink {
  text = '';
  readonly events: ConsumerEvent[] = [];
  readonly buffer = new OutputBuffer(this, { maxLines: 100_000, flushIntervalMs: 20, droppedNote: (n) => `dropped ${n}` });
  readonly printer = new RecordPrinter(this.buffer, DEFAULT_FORMAT);
  readonly session: ConsumerSession;

  constructor(target: Target, options: Pick<ConsumeOptions, 'topic' | 'from'> & Partial<ConsumeOptions>, user?: { username: string; password: string }) {
    const settings: ClusterSettings = {
      id: 'it',
      name: 'it',
      bootstrapServers: target.bootstrap,
      securityProtocol: target.protocol,
      saslMechanism: target.mechanism,
      username: user?.username ?? target.username,
    };
    const config = kafkaConfig(settings, user?.password ?? target.password, { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000, retries: 2 });
    this.session = new ConsumerSession(config, {
      groupId: ephemeralGroupId('integration'),
      ephemeral: true,
      onBatch: this.printer.onBatch,
      onEvent: (e) => this.events.push(e),
      reconnect: { initialMs: 200, maxMs: 1000 },
      ...options,
    });
  }

  append(text: string): void {
    this.text += text;
  }
  replace(text: string): void {
    this.text = text;
  }

  /** `partition:offset:value` of every record line shown. */
  records(): string[] {
    return this.buffer
      .lines()
      .map((l) => /^Topic:\[[^\]]+\] Partition:\[(\d+)\] Offset:\[(\d+)\] .* Value:\[(.*)\]$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}:${m[2]}:${m[3]}`);
  }

  async stop(): Promise<boolean | undefined> {
    const deleted = await this.session.stop();
    this.buffer.close();
    return deleted;
  }
}

describe('consuming a topic (src/kafka/consume.ts)', function () {
  this.timeout(90_000);
  let target: Target;
  let producer: Producer;
  const runs: Run[] = [];

  const start = async (options: Pick<ConsumeOptions, 'topic' | 'from'> & Partial<ConsumeOptions>, user?: { username: string; password: string }) => {
    const run = new Run(target, options, user);
    runs.push(run);
    await run.session.start();
    return run;
  };

  const topicWith = async (partitions: number, records: { partition: number; value: string; timestamp?: number }[]) => {
    const topic = uniqueTopic('consume');
    const admin = kafkaFor(target).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    await admin.disconnect();
    if (records.length > 0) {
      await producer.send({ topic, messages: records.map((r) => ({ partition: r.partition, value: r.value, timestamp: r.timestamp === undefined ? undefined : String(r.timestamp) })) });
    }
    return topic;
  };

  before(async () => {
    target = await startTarget({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [READER]: READER_PASSWORD },
      acls: { [READER]: { read: ['open-*', 'consume-*'], groups: ['allowed-*'] } },
    });
    producer = kafkaFor(target).producer();
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(runs.splice(0).map((r) => r.stop()));
  });

  after(async () => {
    await producer.disconnect();
    await target.local?.stop();
  });

  const positions: [string, StartPosition, string[]][] = [
    ['earliest', { kind: 'earliest' }, ['0:0:a0', '0:1:a1', '0:2:a2', '1:0:b0', '1:1:b1', '0:3:new0', '1:2:new1']],
    ['latest', { kind: 'latest' }, ['0:3:new0', '1:2:new1']],
    ['an offset on every partition', { kind: 'offset', offset: 1 }, ['0:1:a1', '0:2:a2', '1:1:b1', '0:3:new0', '1:2:new1']],
    ['an offset on one partition only', { kind: 'offset', offset: 2, partition: 0 }, ['0:2:a2', '0:3:new0']],
    ['an offset past the end, moved to the end', { kind: 'offset', offset: 999 }, ['0:3:new0', '1:2:new1']],
    ['a timestamp', { kind: 'timestamp', timestamp: 2_000_000_000_000 }, ['0:2:a2', '1:1:b1', '0:3:new0', '1:2:new1']],
  ];
  for (const [name, from, expected] of positions) {
    it(`starts from ${name} and shows exactly the expected records`, async () => {
      const base = 2_000_000_000_000;
      const topic = await topicWith(2, [
        { partition: 0, value: 'a0', timestamp: base - 2000 },
        { partition: 0, value: 'a1', timestamp: base - 1000 },
        { partition: 0, value: 'a2', timestamp: base },
        { partition: 1, value: 'b0', timestamp: base - 1000 },
        { partition: 1, value: 'b1', timestamp: base + 1000 },
      ]);
      const run = await start({ topic, from });
      await producer.send({ topic, messages: [{ partition: 0, value: 'new0' }, { partition: 1, value: 'new1' }] });
      await waitUntil(() => run.records().length >= expected.length && run.records().some((r) => r.endsWith(':new0')), `${expected.length} records shown`);
      await new Promise((r) => setTimeout(r, 300)); // anything extra would show up by now
      await run.buffer.drained();
      assert.deepStrictEqual([...run.records()].sort(), [...expected].sort());
      assert.strictEqual(run.printer.received, expected.length);
    });
  }

  it('refuses a partition the topic does not have', async () => {
    const topic = await topicWith(1, []);
    await assert.rejects(start({ topic, from: { kind: 'offset', offset: 0, partition: 3 } }), (e) => e instanceof ValidationError && e.reason === 'position.badPartition');
  });

  it('deletes its ephemeral group when stopped', async function () {
    const local = localOnly(this, target, 'the group list is read from the local broker');
    const topic = await topicWith(1, [{ partition: 0, value: 'x' }]);
    const run = await start({ topic, from: { kind: 'earliest' } });
    const groupId = (run.session as unknown as { options: ConsumeOptions }).options.groupId;
    assert.match(groupId, /^ckafka-vscode-integrat-[0-9a-f]{8}$/);
    await waitUntil(() => run.records().length === 1, 'the record is shown');
    assert.ok(local.cluster.groups.listGroupIds().includes(groupId), 'the group exists while consuming');
    assert.strictEqual(await run.stop(), true);
    assert.ok(!local.cluster.groups.listGroupIds().includes(groupId), 'the group is gone');
    assert.strictEqual(run.session.state, 'stopped');
  });

  it('keeps a named group with its committed offsets across a stop and a start', async function () {
    const local = localOnly(this, target, 'committed offsets are read from the local broker');
    const topic = await topicWith(2, [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `v${i}` })));
    const groupId = uniqueTopic('app-group');
    const first = await start({ topic, from: { kind: 'earliest' }, groupId, ephemeral: false });
    await waitUntil(() => first.records().length === 4, 'the first 4 records');
    assert.strictEqual(await first.stop(), undefined, 'a named group is never deleted');
    assert.ok(local.cluster.groups.listGroupIds().includes(groupId));
    assert.strictEqual(local.cluster.groups.committed(groupId, topic, 0), 2);
    assert.strictEqual(local.cluster.groups.committed(groupId, topic, 1), 2);
    await producer.send({ topic, messages: [{ partition: 0, value: 'after0' }, { partition: 1, value: 'after1' }] });
    const second = await start({ topic, from: { kind: 'earliest' }, groupId, ephemeral: false });
    await waitUntil(() => second.records().length >= 2, 'the 2 new records');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(second.records().sort(), ['0:2:after0', '1:2:after1']);
  });

  it('reports a lost broker, reconnects, and goes on with no gap and no duplicate (ephemeral and named)', async function () {
    const local = localOnly(this, target, 'stopping the broker needs the local broker');
    const topic = await topicWith(2, Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${i}` })));
    const ephemeral = await start({ topic, from: { kind: 'earliest' } });
    const named = await start({ topic, from: { kind: 'earliest' }, groupId: uniqueTopic('named'), ephemeral: false });
    await waitUntil(() => ephemeral.records().length === 20 && named.records().length === 20, 'the first 20 records');
    await local.faults.stopAll();
    await waitUntil(() => ephemeral.session.state === 'reconnecting' && named.session.state === 'reconnecting', 'both consumers notice', 60_000);
    for (const run of [ephemeral, named]) {
      const lost = run.events.find((e) => e.type === 'connectionLost');
      assert.ok(lost && lost.type === 'connectionLost' && lost.retryInMs > 0, JSON.stringify(run.events));
    }
    await local.faults.startAll();
    // One more fault on the way back: the first fetches answer with an error.
    local.faults.failNext(1, 2, 6 /* NOT_LEADER_OR_FOLLOWER */);
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${20 + i}` })) });
    await waitUntil(() => ephemeral.records().length >= 40 && named.records().length >= 40, 'the next 20 records after the restart', 60_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const run of [ephemeral, named]) {
      const offsets = run.records().map((r) => r.split(':').slice(0, 2).join(':'));
      assert.strictEqual(new Set(offsets).size, offsets.length, 'no offset twice');
      assert.deepStrictEqual(offsets.sort(), [0, 1].flatMap((p) => Array.from({ length: 20 }, (_, o) => `${p}:${o}`)).sort(), 'no gap');
      assert.ok(run.events.some((e) => e.type === 'joined' && e.reconnected), 'rejoined after the outage');
      assert.strictEqual(run.session.state, 'running');
    }
  });

  it('classifies start failures: ACL-denied group, wrong password, unknown topic, ACL-denied topic', async function () {
    localOnly(this, target, 'users and ACLs are configured on the local broker');
    const reader = { username: READER, password: READER_PASSWORD };
    const topic = await topicWith(1, [{ partition: 0, value: 'x' }]);
    const failure = (e: unknown, cause: string) => e instanceof ConsumeError && e.failure.cause === cause;
    await assert.rejects(start({ topic, from: { kind: 'earliest' } }, reader), (e) => failure(e, 'groupAuthorization'), 'ephemeral group not allowed');
    await assert.rejects(start({ topic, from: { kind: 'earliest' }, groupId: 'secret-group', ephemeral: false }, reader), (e) => failure(e, 'groupAuthorization'), 'named group not allowed');
    await assert.rejects(start({ topic, from: { kind: 'earliest' } }, { username: SANDBOX_USER, password: 'wrong' }), (e) => failure(e, 'authentication'));
    await assert.rejects(start({ topic: 'no-such-topic', from: { kind: 'earliest' } }), (e) => failure(e, 'unknownTopic'));
    await assert.rejects(start({ topic: 'open-denied', from: { kind: 'earliest' }, groupId: 'allowed-1' }, { ...reader, username: READER }), (e) => failure(e, 'unknownTopic') || failure(e, 'topicAuthorization'));
    const allowed = await start({ topic, from: { kind: 'earliest' }, groupId: 'allowed-1', ephemeral: false }, reader);
    await waitUntil(() => allowed.records().length === 1, 'an allowed group reads');
  });
});

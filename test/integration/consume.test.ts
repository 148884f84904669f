import * as assert from 'assert';
import { Producer } from 'kafkajs';
import { SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { ClusterSettings, kafkaConfig } from '../../src/kafka/cluster';
import { ConsumeError, ConsumerEvent, ConsumerSession, ConsumeOptions, ephemeralGroupId } from '../../src/kafka/consume';
import { DEFAULT_FORMAT } from '../../src/kafka/format';
import { OutputSink } from '../../src/kafka/output';
import { OutputBuffer } from '../outputBuffer';
import { shownRecords } from './shown';
import { StartPosition } from '../../src/kafka/position';
import { RecordPrinter } from '../../src/kafka/printer';
import { ValidationError } from '../../src/kafka/validation';
import { kafkaFor, localOnly, requireApi, startTarget, takeTopic, Target, TestTopic, uniqueTopic, waitUntil } from './env';

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
    return shownRecords(this.buffer.lines());
  }

  /**
   * `partition:n:value` of every record shown that the test wrote, n counting from the partition's offset
   * when the test took the topic; records written before (by earlier runs) are left out.
   */
  written(topic: TestTopic): string[] {
    return this.records()
      .map((r) => r.split(':'))
      .filter(([p, offset]) => topic.isNew(Number(p), offset))
      .map(([p, offset, ...value]) => `${p}:${Number(offset) - topic.start[Number(p)]}:${value.join(':')}`);
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

  /** A topic of its own for the test, with `records` written after the ones it may already hold. */
  const topicWith = async (partitions: number, records: { partition: number; value: string; timestamp?: number }[]) => {
    const topic = await takeTopic(target, 'consume', partitions);
    if (records.length > 0) {
      await producer.send({ topic: topic.name, messages: records.map((r) => ({ partition: r.partition, value: r.value, timestamp: r.timestamp === undefined ? undefined : String(r.timestamp) })) });
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
    await producer?.disconnect();
    await target?.local?.stop();
  });

  /** What each position test writes before starting: three records on partition 0, two on 1, none on 2. */
  const written = [
    { partition: 0, value: 'a0', ms: -2000 },
    { partition: 0, value: 'a1', ms: -1000 },
    { partition: 0, value: 'a2', ms: 0 },
    { partition: 1, value: 'b0', ms: -1000 },
    { partition: 1, value: 'b1', ms: 1000 },
  ];
  const index = (r: (typeof written)[number]) => written.filter((w) => w.partition === r.partition).indexOf(r);
  /** Where the consumer starts a partition for an offset: moved into the log, as startOffsets does. */
  const clamped = (t: TestTopic, p: number, offset: number) => Math.min(Math.max(offset, t.earliest[p]), t.start[p] + written.filter((w) => w.partition === p).length);
  /** The written records at or after the offset each partition starts at, as `partition:n:value` (n counted from the topic's start). */
  const from = (t: TestTopic, offsetOf: (p: number) => number) => written.filter((r) => t.at(r.partition, index(r)) >= offsetOf(r.partition)).map((r) => `${r.partition}:${index(r)}:${r.value}`);
  const NEW = ['0:3:new0', '1:2:new1'];
  /** Same offset on every partition: one past the highest start, so every partition starts on a record of this test or at its end. */
  const everyPartition = (t: TestTopic) => Math.max(...t.start) + 1;

  const positions: [string, (t: TestTopic, base: number) => StartPosition, (t: TestTopic) => string[], boolean][] = [
    ['earliest', () => ({ kind: 'earliest' }), () => [...written.map((r) => `${r.partition}:${index(r)}:${r.value}`), ...NEW], true],
    ['latest', () => ({ kind: 'latest' }), () => NEW, false],
    ['an offset on every partition', (t) => ({ kind: 'offset', offset: everyPartition(t) }), (t) => [...from(t, (p) => clamped(t, p, everyPartition(t))), ...NEW], false],
    ['an offset on one partition only', (t) => ({ kind: 'offset', offset: t.at(0, 2), partition: 0 }), () => ['0:2:a2', '0:3:new0'], false],
    ['an offset past the end, moved to the end', (t) => ({ kind: 'offset', offset: Math.max(...t.start) + 999 }), () => NEW, false],
    ['a timestamp', (_, base) => ({ kind: 'timestamp', timestamp: base }), () => ['0:2:a2', '1:1:b1', ...NEW], false],
  ];
  for (const [name, position, expectedOf, showsEarlierRecords] of positions) {
    it(`starts from ${name} and shows exactly the expected records`, async () => {
      // Timestamps around now: later than any record an earlier run left in the topic.
      const base = Date.now();
      const topic = await topicWith(
        3,
        written.map((r) => ({ partition: r.partition, value: r.value, timestamp: base + r.ms })),
      );
      const expected = expectedOf(topic);
      const run = await start({ topic: topic.name, from: position(topic, base) });
      await producer.send({ topic: topic.name, messages: [{ partition: 0, value: 'new0' }, { partition: 1, value: 'new1' }] });
      await waitUntil(() => run.written(topic).length >= expected.length && run.written(topic).some((r) => r.endsWith(':new0')), `${expected.length} records shown`);
      await new Promise((r) => setTimeout(r, 300)); // anything extra would show up by now
      await run.buffer.drained();
      assert.deepStrictEqual([...run.written(topic)].sort(), [...expected].sort());
      // From earliest, the records the topic held before are shown too, and nothing else.
      assert.strictEqual(run.printer.received, expected.length + (showsEarlierRecords ? topic.before : 0));
    });
  }

  it('refuses a partition the topic does not have', async () => {
    const topic = await topicWith(1, []);
    await assert.rejects(start({ topic: topic.name, from: { kind: 'offset', offset: 0, partition: 3 } }), (e) => e instanceof ValidationError && e.reason === 'position.badPartition');
  });

  it('deletes its ephemeral group when stopped', async function () {
    await requireApi(this, target, 'DeleteGroups');
    const topic = await topicWith(1, []);
    const admin = kafkaFor(target).admin();
    await admin.connect();
    try {
      const run = await start({ topic: topic.name, from: { kind: 'latest' } });
      const groupId = (run.session as unknown as { options: ConsumeOptions }).options.groupId;
      assert.match(groupId, /^ckafka-vscode-integrat-[0-9a-f]{8}$/);
      await producer.send({ topic: topic.name, messages: [{ value: 'x' }] });
      await waitUntil(() => run.written(topic).length === 1, 'the record is shown');
      assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === groupId), 'the group exists while consuming');
      assert.strictEqual(await run.stop(), true);
      assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === groupId), 'the group is gone');
      assert.strictEqual(run.session.state, 'stopped');
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps a named group with its committed offsets across a stop and a start', async () => {
    const topic = await topicWith(3, [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 3, value: `v${i}` })));
    const groupId = uniqueTopic('app-group');
    const first = await start({ topic: topic.name, from: { kind: 'earliest' }, groupId, ephemeral: false });
    // Every record, the topic's earlier ones included, so that every partition is read to its end.
    await waitUntil(() => first.written(topic).length === 6 && first.printer.received === topic.before + 6, 'the first 6 records');
    assert.strictEqual(await first.stop(), undefined, 'a named group is never deleted');
    const admin = kafkaFor(target).admin();
    await admin.connect();
    try {
      assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === groupId));
      const committed = (await admin.fetchOffsets({ groupId, topics: [topic.name] }))[0].partitions;
      assert.deepStrictEqual(
        committed.map((c) => [c.partition, Number(c.offset)]).sort(),
        [0, 1, 2].map((p) => [p, topic.at(p, 2)]),
      );
    } finally {
      await admin.disconnect();
    }
    await producer.send({ topic: topic.name, messages: [0, 1, 2].map((p) => ({ partition: p, value: `after${p}` })) });
    const second = await start({ topic: topic.name, from: { kind: 'earliest' }, groupId, ephemeral: false });
    await waitUntil(() => second.records().length >= 3, 'the 3 new records');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(second.written(topic).sort(), ['0:2:after0', '1:2:after1', '2:2:after2']);
    assert.strictEqual(second.records().length, 3, 'nothing before the committed offsets');
  });

  it('reports a lost broker, reconnects, and goes on with no gap and no duplicate (ephemeral and named)', async function () {
    const local = localOnly(this, target, 'stops and starts the brokers');
    const topic = await topicWith(2, Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${i}` })));
    const ephemeral = await start({ topic: topic.name, from: { kind: 'earliest' } });
    const named = await start({ topic: topic.name, from: { kind: 'earliest' }, groupId: uniqueTopic('named'), ephemeral: false });
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
    await producer.send({ topic: topic.name, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${20 + i}` })) });
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
    const topic = (await topicWith(1, [{ partition: 0, value: 'x' }])).name;
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

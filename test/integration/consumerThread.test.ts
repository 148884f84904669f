import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSettings } from '../../src/kafka/cluster';
import { ConsumeError, ConsumerEvent, ephemeralGroupId } from '../../src/kafka/consume';
import { ConsumerSpec, ConsumerThread, ThreadedConsumer } from '../../src/kafka/consumerThread';
import { DEFAULT_FORMAT } from '../../src/kafka/format';
import { DEFAULT_MAX_BYTES } from '../../src/kafka/lineLimits';
import { ChannelLines, OutputSink } from '../../src/kafka/output';
import { ValidationError } from '../../src/kafka/validation';
import { shownRecords } from './shown';
import { kafkaFor, localOnly, startTarget, takeTopic, Target, TestTopic, uniqueTopic, waitUntil } from './env';

/** Every Run made, so that a test failing half-way leaves no consumer running (see afterEach). */
const made: Run[] = [];

/** A consumer as the extension runs it: in the consumer thread, its lines handed back to ChannelLines. */
class Run implements OutputSink {
  text = '';
  readonly events: ConsumerEvent[] = [];
  /** Deliveries that skipped lines, and how many they skipped in all. */
  readonly delivered = { skipNotes: 0, skipped: 0 };
  readonly shown: ChannelLines;
  readonly session: ThreadedConsumer;

  constructor(thread: ConsumerThread, target: Target, spec: Partial<ConsumerSpec> & Pick<ConsumerSpec, 'topic'>, maxLines = 100_000) {
    const cluster: ClusterSettings = { id: 'it', name: 'it', bootstrapServers: target.bootstrap, securityProtocol: target.protocol, saslMechanism: target.mechanism, username: target.username };
    this.shown = new ChannelLines(this, { maxLines, droppedNote: (n) => `dropped ${n}`, skippedNote: (n, rate) => `skipped ${n} at ${rate}/s` });
    this.session = new ThreadedConsumer(
      thread,
      {
        cluster,
        password: target.password,
        timeouts: { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000, retries: 2 },
        groupId: ephemeralGroupId('thread'),
        ephemeral: true,
        from: { kind: 'earliest' },
        format: DEFAULT_FORMAT,
        maxLines,
        maxBytes: DEFAULT_MAX_BYTES,
        ...spec,
      },
      {
        lines: (delivery) => {
          this.delivered.skipNotes += delivery.skipped > 0 ? 1 : 0;
          this.delivered.skipped += delivery.skipped;
          this.shown.show(delivery);
        },
        event: (event) => this.events.push(event),
      },
    );
    made.push(this);
  }

  append(text: string): void {
    this.text += text;
  }
  replace(text: string): void {
    this.text = text;
  }

  /** `partition:offset:value` of every record line shown. */
  records(): string[] {
    return shownRecords(this.shown.lines());
  }
}

describe('consumers in the consumer thread (src/kafka/consumerThread.ts)', function () {
  this.timeout(120_000);
  let target: Target;
  let thread: ConsumerThread;
  const logged: string[] = [];

  /**
   * A topic for one test, holding `count` new records: record i on partition i % partitions, at offset
   * `topic.at(partition, floor(i / partitions))`. A pre-made topic may hold older records before them.
   */
  const topicWith = async (partitions: number, values: (i: number) => string, count: number): Promise<TestTopic> => {
    const topic = await takeTopic(target, 'thread', partitions);
    const producer = kafkaFor(target).producer();
    await producer.connect();
    for (let from = 0; from < count; from += 5000) {
      const messages = Array.from({ length: Math.min(5000, count - from) }, (_, k) => ({ partition: (from + k) % partitions, value: values(from + k) }));
      await producer.send({ topic: topic.name, messages });
    }
    await producer.disconnect();
    return topic;
  };
  /** Where the test's own records begin, as startAt pairs: the records a pre-made topic held before are not read. */
  const startOf = (topic: TestTopic): [number, number][] => topic.start.map((offset, partition) => [partition, offset]);

  before(async () => {
    target = await startTarget();
    thread = new ConsumerThread((text) => logged.push(text));
  });

  afterEach(async () => {
    await Promise.all(made.splice(0).map((run) => run.session.stop()));
  });

  after(async () => {
    await target.local?.stop();
  });

  it('reads every record once, byte-exact, hands back its lines, and stops, deleting its group', async function () {
    const local = localOnly(this, target, 'the group list is read from the local broker');
    const value = (i: number) => `v${i} é 中 \u0001`;
    const topic = await topicWith(3, value, 300);
    const run = new Run(thread, target, { topic: topic.name });
    await run.session.start();
    assert.strictEqual(run.session.state, 'running');
    assert.ok(run.events.some((e) => e.type === 'joined'));
    await waitUntil(() => run.records().length === 300, '300 records shown');
    assert.strictEqual(run.session.received, 300);
    const expected = Array.from({ length: 300 }, (_, i) => `${i % 3}:${Math.floor(i / 3)}:${value(i).replace('\u0001', '\\x01')}`);
    assert.deepStrictEqual([...run.records()].sort(), expected.sort());
    const groupId = ephemeralGroupIdOf(run);
    assert.ok(local.cluster.groups.listGroupIds().includes(groupId));
    assert.strictEqual(await run.session.stop(), true, 'the ephemeral group was deleted');
    assert.ok(!local.cluster.groups.listGroupIds().includes(groupId));
    assert.strictEqual(run.session.state, 'stopped');
    assert.deepStrictEqual([...(await run.session.positions())].sort(), [
      [0, 100],
      [1, 100],
      [2, 100],
    ]);
  });

  it('starts at the offsets of startAt, posted to the thread as pairs, instead of resolving `from` again', async () => {
    const topic = await topicWith(3, (i) => `s${i}`, 30);
    const run = new Run(thread, target, { topic: topic.name, from: { kind: 'earliest' }, startAt: [[0, topic.at(0, 7)], [1, topic.at(1, 4)], [2, topic.at(2, 9)]] });
    await run.session.start();
    const expected = [
      ...[7, 8, 9].map((k) => `0:${topic.at(0, k)}:s${k * 3}`),
      ...[4, 5, 6, 7, 8, 9].map((k) => `1:${topic.at(1, k)}:s${k * 3 + 1}`),
      `2:${topic.at(2, 9)}:s29`,
    ];
    await waitUntil(() => run.records().length >= expected.length, `${expected.length} records shown`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual([...run.records()].sort(), expected.sort());
    await run.session.stop();
  });

  it('counts a flood exactly, and shows the newest records with a note for the ones it skipped', async () => {
    const count = 99_999;
    const topic = await topicWith(3, (i) => `flood-${i}`, count);
    const run = new Run(thread, target, { topic: topic.name, startAt: startOf(topic) }, 10_000);
    await run.session.start();
    await waitUntil(() => run.session.received === count, `${count} records received`, 60_000);
    // The record handed over last, the last of one partition, is the last line shown.
    const lastOf = [0, 1, 2].map((p) => `${p}:${topic.at(p, count / 3 - 1)}:flood-${count - 3 + p}`);
    await waitUntil(() => lastOf.includes(run.records()[run.records().length - 1]), 'the last record shown', 5000);
    const lines = run.shown.lines();
    const records = run.records();
    const skipNotes = lines.filter((l) => l.startsWith('skipped '));
    assert.ok(run.delivered.skipped > 0 && skipNotes.length > 0, 'a flood of 100,000 records is sampled, and the channel says so');
    assert.ok(lines.length <= 10_000);
    // Each record is shown, skipped or dropped; the drop note also counts the skip notes that were dropped.
    assert.strictEqual(records.length + run.delivered.skipped + run.shown.dropped - (run.delivered.skipNotes - skipNotes.length), count);
    assert.strictEqual(new Set(records).size, records.length, 'no record twice');
    for (const r of records) {
      const [partition, offset, v] = r.split(':');
      assert.strictEqual(v, `flood-${(Number(offset) - topic.start[Number(partition)]) * 3 + Number(partition)}`, r);
    }
    await run.session.stop();
  });

  it('rejects a start as the session would: a wrong password, a partition the topic lacks', async () => {
    const taken = await topicWith(1, (i) => `x${i}`, 1);
    const topic = taken.name;
    const wrong = new Run(thread, target, { topic, password: 'wrong' });
    await assert.rejects(wrong.session.start(), (e) => e instanceof ConsumeError && e.failure.cause === 'authentication');
    assert.strictEqual(wrong.session.state, 'failed');
    const badPartition = new Run(thread, target, { topic, from: { kind: 'offset', offset: 0, partition: 3 } });
    await assert.rejects(badPartition.session.start(), (e) => e instanceof ValidationError && e.reason === 'position.badPartition');
    const good = new Run(thread, target, { topic, startAt: startOf(taken) });
    await good.session.start();
    await waitUntil(() => good.records().length === 1, 'the thread still serves a good consumer');
    await good.session.stop();
    assert.deepStrictEqual(logged, [], 'the thread caught no stray error');
  });

  it('a thread warmed ahead of its first consumer serves it, and ends by itself when none comes', async () => {
    // The process's threads, as the OS lists them: a running worker thread is one more.
    const threads = () => fs.readdirSync('/proc/self/task').length;
    // The threads of earlier tests end asynchronously: the count is taken once it has held for 500 ms.
    let idle = threads();
    for (let held = 0; held < 5; held = threads() === idle ? held + 1 : 0) {
      idle = threads();
      await new Promise((r) => setTimeout(r, 100));
    }
    const warmed = new ConsumerThread(() => undefined, 500);
    warmed.warm();
    await waitUntil(() => threads() > idle, 'the warmed thread runs', 5000);
    await waitUntil(() => threads() <= idle, 'the warmed thread ends without a consumer', 5000);
    warmed.warm();
    await waitUntil(() => threads() > idle, 'the thread runs again', 5000);
    const topic = await topicWith(1, (i) => `w${i}`, 3);
    const run = new Run(warmed, target, { topic: topic.name, startAt: startOf(topic) });
    await run.session.start();
    await waitUntil(() => run.records().length === 3, 'the warmed thread serves its consumer');
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(threads() > idle, 'a consumer keeps the thread past its warm-up time');
    assert.deepStrictEqual(run.records(), [0, 1, 2].map((k) => `0:${topic.at(0, k)}:w${k}`));
    await run.session.stop();
    await waitUntil(() => threads() <= idle, 'the thread ends with its last consumer', 5000);
  });

  it('fails its consumers with the reason when the thread dies', async () => {
    // The compiled src/kafka/, copied with a thread script that dies at its first message, as one out of
    // memory would; the shipped code starts whatever consumerWorker.js lies beside it.
    const original = path.dirname(require.resolve('../../src/kafka/consumerThread'));
    const copy = path.join(__dirname, `dying-kafka-${process.pid}`);
    fs.cpSync(original, copy, { recursive: true });
    try {
      fs.copyFileSync(require.resolve('./dyingWorker'), path.join(copy, 'consumerWorker.js'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy, loaded at run time
      const copied = require(path.join(copy, 'consumerThread.js')) as { ConsumerThread: typeof ConsumerThread };
      // The thread dies at the start message, before it would look the topic up.
      const run = new Run(new copied.ConsumerThread(), target, { topic: uniqueTopic('dying') });
      await assert.rejects(run.session.start(), (e) => e instanceof ConsumeError && e.failure.cause === 'thread' && /out of bounds on purpose/.test(e.failure.detail));
      assert.strictEqual(run.session.state, 'failed');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

function ephemeralGroupIdOf(run: Run): string {
  return (run.session as unknown as { spec: ConsumerSpec }).spec.groupId;
}

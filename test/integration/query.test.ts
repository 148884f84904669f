import * as assert from 'assert';
import { createHash } from 'crypto';
import { Admin, Producer } from 'kafkajs';
import { ClusterSettings } from '../../src/kafka/cluster';
import { COMPRESSIONS } from '../../src/kafka/codecs';
import { parseLines } from '../../src/kafka/produce/parse';
import { sendRecords } from '../../src/kafka/produce/send';
import { FilterError, QueryConnection, QueryError, QueryRecord, QuerySpec, QuerySummary, runQuery, toJsonLines } from '../../src/kafka/query';
import { PartitionProgress, QueryProgress } from '../../src/kafka/query/spec';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { kafkaFor, localOnly, localSuite, startTarget, Target, uniqueTopic, waitUntil } from './env';
import { kcat, ONE_BATCH } from './kcat';

/**
 * Message Query's scan engine against the broker over TCP, through the worker thread as the extension runs
 * it: time and offset ranges, every filter kind, each budget, cancel, compressed and undecodable batches,
 * ACLs, and that no consumer group is ever used.
 */
const READER = 'ckafka-sandbox#reader';
const READER_PASSWORD = 'reader-secret';
const WRITER = 'ckafka-sandbox#writer';
const WRITER_PASSWORD = 'writer-secret';
const FETCH = 1;
/** The API keys of everything a consumer group does: find it, join it, commit to it, leave it, delete it. */
const GROUP_APIS = { OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DeleteGroups: 42 };

/** The fixture's records: i = 0..299 on partition i % 3, one second apart from T0. */
const T0 = 2_000_000_000_000;
const COUNT = 300;
interface Order {
  i: number;
  key: string;
  partition: number;
  timestamp: number;
  status: string;
  amount: number;
  user: { id: number; tags: string[] };
  source: string;
}
const ORDERS: Order[] = Array.from({ length: COUNT }, (_, i) => ({
  i,
  key: `order-${i}`,
  partition: i % 3,
  timestamp: T0 + i * 1000,
  status: ['paid', 'new', 'shipped', 'refunded', 'new'][i % 5],
  amount: i * 1.5,
  user: { id: i % 7, tags: i % 4 === 0 ? ['vip'] : [] },
  source: i % 2 === 0 ? 'app' : 'web',
}));
const orderValue = (o: Order) => JSON.stringify({ id: o.i, status: o.status, amount: o.amount, user: o.user });
const keysOf = (orders: Order[]) => orders.map((o) => o.key).sort();
/** Client connections open on the local broker now. */
const connections = (local: LocalBroker) => local.openConnections().reduce((a, b) => a + b, 0);

interface Outcome {
  summary: QuerySummary;
  records: QueryRecord[];
  plans: PartitionProgress[][];
  progress: QueryProgress[];
}

// Each test fills a topic it creates and checks exact offsets and counts.
localSuite('Message Query: the scan engine against the broker', 'creates and fills its topics with exact records', function () {
  this.timeout(120_000);
  let target: Target;
  let admin: Admin;
  let producer: Producer;
  let orders: string;

  const settings = (username: string): ClusterSettings => ({
    id: 'query',
    name: 'query',
    bootstrapServers: target.bootstrap,
    securityProtocol: target.protocol,
    saslMechanism: target.mechanism,
    username,
  });
  const as = (user: 'dev' | 'reader' | 'writer'): QueryConnection =>
    user === 'dev'
      ? { settings: settings(target.username), password: target.password }
      : user === 'reader'
        ? { settings: settings(READER), password: READER_PASSWORD }
        : { settings: settings(WRITER), password: WRITER_PASSWORD };

  const query = async (spec: QuerySpec, connection: QueryConnection = as('dev'), during?: (cancel: () => void, plans: PartitionProgress[][]) => void): Promise<Outcome> => {
    const outcome: Omit<Outcome, 'summary'> = { records: [], plans: [], progress: [] };
    const run = runQuery(spec, connection, {
      onPlan: (p) => outcome.plans.push(p),
      onProgress: (p) => outcome.progress.push(p),
      onRecords: (r) => outcome.records.push(...r),
    });
    during?.(() => run.cancel(), outcome.plans);
    const summary = await run.done;
    return { ...outcome, summary };
  };
  const keys = (o: Outcome) => o.records.map((r) => (r.key === null ? '<null>' : Buffer.from(r.key).toString())).sort();

  const newTopic = async (partitions: number, prefix = 'query') => {
    const topic = uniqueTopic(prefix);
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    return topic;
  };

  before(async () => {
    target = await startTarget({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [READER]: READER_PASSWORD, [WRITER]: WRITER_PASSWORD },
      // The reader may read query-* topics and use no consumer group at all; the writer may only write.
      acls: { [READER]: { read: ['query-*'], groups: [] }, [WRITER]: { write: ['query-*'] } },
    });
    admin = kafkaFor(target).admin();
    await admin.connect();
    producer = kafkaFor(target).producer();
    await producer.connect();
    orders = await newTopic(3);
    await producer.send({
      topic: orders,
      messages: ORDERS.map((o) => ({ key: o.key, value: orderValue(o), partition: o.partition, timestamp: String(o.timestamp), headers: { source: o.source, 'trace-id': `t-${o.i}` } })),
    });
    // A late record with an old time, after everything else on partition 0.
    await producer.send({ topic: orders, messages: [{ key: 'late', value: '{"status":"paid"}', partition: 0, timestamp: String(T0 - 5000) }] });
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await target?.local?.stop();
  });

  describe('ranges', () => {
    it('reads a time range through ListOffsets at both ends: every record from `from` to `to`, both included', async () => {
      const from = T0 + 100_000;
      const to = T0 + 199_000;
      const o = await query({ topic: orders, range: { kind: 'time', from, to } });
      assert.deepStrictEqual(keys(o), keysOf(ORDERS.filter((r) => r.timestamp >= from && r.timestamp <= to)));
      assert.strictEqual(o.records.length, 100);
      assert.strictEqual(o.summary.stopped, 'range');
      // Partition p holds i = p, p + 3, …: its range starts at the first i ≥ 100 and ends after the last i ≤ 199.
      assert.deepStrictEqual(
        o.plans[0].map((p) => [p.partition, p.start, p.end]),
        [0, 1, 2].map((p) => [p, Math.ceil((100 - p) / 3), Math.ceil((200 - p) / 3)]),
      );
      assert.deepStrictEqual(
        o.summary.partitions.map((p) => [p.next, p.scanned]),
        o.plans[0].map((p) => [p.end, p.end - p.start]),
      );
      assert.deepStrictEqual([o.summary.scanned, o.summary.matched, o.summary.kept], [100, 100, 100]);
    });

    it('reads from a time to the end of the log; a record inside the range with an older time is read but not kept', async () => {
      const o = await query({ topic: orders, range: { kind: 'time', from: T0 + 250_000 } });
      assert.deepStrictEqual(keys(o), keysOf(ORDERS.filter((r) => r.i >= 250)));
      assert.strictEqual(o.summary.scanned, 51, 'the 50 records of the range and the late one');
      assert.strictEqual(o.summary.matched, 50);
      assert.strictEqual(o.summary.partitions[0].end, 101, 'partition 0 is read to its end, the late record included');
    });

    it('reads nothing from a time range before the first record or after the last', async () => {
      for (const range of [
        { kind: 'time' as const, from: T0 - 100_000, to: T0 - 50_000 },
        { kind: 'time' as const, from: T0 + 10_000_000 },
      ]) {
        const o = await query({ topic: orders, range });
        assert.deepStrictEqual([o.summary.scanned, o.records.length, o.summary.stopped], [0, 0, 'range'], JSON.stringify(range));
      }
    });

    it('reads offset ranges: the same span on every partition, one partition\'s own span, clamped to the log', async () => {
      const same = await query({ topic: orders, range: { kind: 'offsets', from: 10, to: 19 } });
      assert.deepStrictEqual(keys(same), keysOf(ORDERS.filter((r) => Math.floor(r.i / 3) >= 10 && Math.floor(r.i / 3) <= 19)));
      assert.strictEqual(same.records.length, 30);
      assert.ok(same.records.every((r) => r.offset >= 10 && r.offset <= 19));

      const one = await query({ topic: orders, partitions: [1], range: { kind: 'offsets', from: 0, byPartition: { 1: { from: 5, to: 5 } } } });
      assert.deepStrictEqual(keys(one), ['order-16']);
      assert.deepStrictEqual(one.summary.partitions.map((p) => p.partition), [1]);

      const clamped = await query({ topic: orders, partitions: [2], range: { kind: 'offsets', from: 95, to: 5000 } });
      assert.deepStrictEqual(clamped.plans[0].map((p) => [p.start, p.end]), [[95, 100]]);
      assert.deepStrictEqual(keys(clamped), keysOf(ORDERS.filter((r) => r.partition === 2 && r.i >= 95 * 3)));
    });

    it('reads the newest N records of each partition', async () => {
      const o = await query({ topic: orders, partitions: [1, 2], range: { kind: 'newest', count: 7 } });
      assert.deepStrictEqual(keys(o), keysOf(ORDERS.filter((r) => r.partition > 0 && r.i >= COUNT - 21)));
      assert.deepStrictEqual(o.plans[0].map((p) => [p.partition, p.start, p.end]), [
        [1, 93, 100],
        [2, 93, 100],
      ]);
    });

    it('gives each record its partition, offset, time, key, value, headers and size, byte for byte', async () => {
      const o = await query({ topic: orders, range: { kind: 'offsets', from: 33, to: 33 }, partitions: [2] });
      const order = ORDERS[2 + 33 * 3];
      assert.strictEqual(o.records.length, 1);
      const r = o.records[0];
      assert.deepStrictEqual([r.partition, r.offset, r.timestamp], [2, 33, order.timestamp]);
      assert.strictEqual(Buffer.from(r.key ?? []).toString(), order.key);
      assert.strictEqual(Buffer.from(r.value ?? []).toString(), orderValue(order));
      assert.deepStrictEqual(
        r.headers.map((h) => [h.name, Buffer.from(h.value ?? []).toString()]),
        [
          ['source', order.source],
          ['trace-id', `t-${order.i}`],
        ],
      );
      assert.strictEqual(r.size, order.key.length + orderValue(order).length + 'source'.length + order.source.length + 'trace-id'.length + `t-${order.i}`.length);
    });
  });

  describe('filters', () => {
    const all = { kind: 'offsets' as const, from: 0 };
    /** Each filter, the orders it keeps, and whether it keeps the late record {"status":"paid"} too. */
    const cases: [string, Order[], boolean][] = [
      ['key contains "-1"', ORDERS.filter((o) => o.key.includes('-1')), false],
      ['key not contains "1"', ORDERS.filter((o) => !o.key.includes('1')), true],
      ['key = "order-42"', ORDERS.filter((o) => o.i === 42), false],
      ['key matches /^order-1\\d$/', ORDERS.filter((o) => o.i >= 10 && o.i <= 19), false],
      ['value contains "\\"refunded\\""', ORDERS.filter((o) => o.status === 'refunded'), false],
      ['value not contains "new"', ORDERS.filter((o) => o.status !== 'new'), true],
      ['value matches /"amount":4\\d\\.5/', ORDERS.filter((o) => /^4\d\.5$/.test(String(o.amount))), false],
      ['header.source = "web"', ORDERS.filter((o) => o.source === 'web'), false],
      ['header["trace-id"] contains "t-29"', ORDERS.filter((o) => `t-${o.i}`.includes('t-29')), false],
      ['header.trace-id matches /7$/', ORDERS.filter((o) => o.i % 10 === 7), false],
      ['header.source not exists', [], true],
      ['status = "paid"', ORDERS.filter((o) => o.status === 'paid'), true],
      ['amount > 400', ORDERS.filter((o) => o.amount > 400), false],
      ['amount <= 3', ORDERS.filter((o) => o.amount <= 3), false],
      ['user.id = 4', ORDERS.filter((o) => o.user.id === 4), false],
      ['user.tags contains "vip" and status != "paid"', ORDERS.filter((o) => o.user.tags.includes('vip') && o.status !== 'paid'), false],
      ['status = "paid" and (user.id = 0 or amount < 30)', ORDERS.filter((o) => o.status === 'paid' && (o.user.id === 0 || o.amount < 30)), false],
      ['not (status = "new" or status = "paid")', ORDERS.filter((o) => !(o.status === 'new' || o.status === 'paid')), false],
      ['key = "order-1" or key = "order-2"', ORDERS.filter((o) => o.i === 1 || o.i === 2), false],
      ['key != "order-7" and amount < 15', ORDERS.filter((o) => o.i !== 7 && o.amount < 15), false],
      ['key not matches /^order-\\d$/', ORDERS.filter((o) => !/^order-\d$/.test(o.key)), true],
      ['value not matches /paid/', ORDERS.filter((o) => o.status !== 'paid'), false],
      ['header.source != "app"', ORDERS.filter((o) => o.source !== 'app'), true],
      ['header.trace-id not contains "1"', ORDERS.filter((o) => !`t-${o.i}`.includes('1')), true],
      ['header.source exists and amount >= 441', ORDERS.filter((o) => o.amount >= 441), false],
      ['amount < 3', ORDERS.filter((o) => o.amount < 3), false],
      ['user.tags[0] = "vip" and user.id >= 5', ORDERS.filter((o) => o.user.tags[0] === 'vip' && o.user.id >= 5), false],
      ['user.tags[0] exists', ORDERS.filter((o) => o.user.tags.length > 0), false],
      ['user not exists', [], true],
    ];
    for (const [filter, expected, late] of cases) {
      it(`keeps exactly the records ${filter} describes`, async () => {
        const o = await query({ topic: orders, range: all, filter, budget: { results: 1000 } });
        const wanted = [...keysOf(expected), ...(late ? ['late'] : [])].sort();
        assert.ok(wanted.length > 0 && wanted.length < COUNT, 'a case that keeps nothing or everything checks little');
        assert.deepStrictEqual(keys(o), wanted);
        assert.deepStrictEqual([o.summary.scanned, o.summary.matched, o.summary.kept], [COUNT + 1, wanted.length, wanted.length]);
      });
    }

    it('matches regular expressions on bytes that are not UTF-8 as Latin-1, and on UTF-8 as text', async () => {
      const topic = await newTopic(1);
      await producer.send({
        topic,
        messages: [
          { key: 'binary', value: Buffer.from([0xff, 0x00, 0x61, 0x80]) },
          { key: 'utf8', value: Buffer.from('é€', 'utf8') },
          { key: Buffer.from([0xfe, 0x01]), value: 'binary key' },
          { key: 'tombstone', value: null },
          { key: 'header', value: 'h', headers: { blob: Buffer.from([0x00, 0xff]) } },
        ],
      });
      const run = (filter: string) => query({ topic, range: { kind: 'offsets', from: 0 }, filter }).then((o) => keys(o).map((k) => (k.startsWith('\ufffd') ? 'binary-key' : k)));
      assert.deepStrictEqual(await run('value matches /^\\xff\\x00a\\x80$/'), ['binary']);
      assert.deepStrictEqual(await run('value matches /^é€$/'), ['utf8']);
      assert.deepStrictEqual(await run('value matches /^..$/'), ['utf8'], 'é€ is two characters; FF 00 61 80 is four');
      assert.deepStrictEqual(await run('key matches /^\\xfe\\x01$/'), ['binary-key']);
      assert.deepStrictEqual(await run('header.blob matches /\\x00\\xff/'), ['header']);
      assert.deepStrictEqual(await run('value = null'), ['tombstone']);
      assert.deepStrictEqual(await run('value contains "€"'), ['utf8']);
    });

    it('refuses a bad filter or query at once, before anything is read', async function () {
      const local = localOnly(this, target, 'connections are counted on the local broker');
      const before = connections(local);
      assert.throws(() => runQuery({ topic: orders, range: { kind: 'newest', count: 1 }, filter: 'status = ' }, as('dev')), (e: unknown) => e instanceof FilterError && e.position === 9 && e.expected === 'literal');
      assert.throws(() => runQuery({ topic: orders, range: { kind: 'newest', count: 1 }, filter: 'value matches /(x+x+)+y/' }, as('dev')), (e: unknown) => e instanceof FilterError && e.expected === 'safeRegex');
      assert.throws(() => runQuery({ topic: orders, range: { kind: 'newest', count: 1 }, budget: { results: 100_001 } }, as('dev')), (e: unknown) => e instanceof QueryError && e.field === 'budget.results');
      assert.throws(() => runQuery({ topic: orders, range: { kind: 'offsets', from: 9, to: 3 } }, as('dev')), (e: unknown) => e instanceof QueryError && e.reason === 'fromAfterTo');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(connections(local) <= before, 'no connection was opened');
    });
  });

  describe('budgets, cancel and failures', () => {
    it('stops after the records budget, exactly, and says so', async () => {
      const o = await query({ topic: orders, range: { kind: 'offsets', from: 0 }, budget: { records: 50 } });
      assert.strictEqual(o.summary.stopped, 'records');
      assert.strictEqual(o.summary.scanned, 50);
      assert.strictEqual(o.records.length, 50);
      assert.strictEqual(
        o.summary.partitions.reduce((n, p) => n + (p.next - p.start), 0),
        50,
        'each partition\'s position is just after the last record read',
      );
    });

    it('stops when the results budget is full, and says how many more matched in what was read', async () => {
      const o = await query({ topic: orders, range: { kind: 'offsets', from: 0 }, filter: 'status = "paid"', budget: { results: 5 } });
      assert.strictEqual(o.summary.stopped, 'results');
      assert.strictEqual(o.summary.kept, 5);
      assert.strictEqual(o.records.length, 5);
      assert.ok(o.summary.matched >= 5, `matched ${o.summary.matched}`);
      assert.ok(o.records.every((r) => JSON.parse(Buffer.from(r.value ?? []).toString()).status === 'paid'));
    });

    it('stops at the time budget while a Fetch is still out', async function () {
      const local = localOnly(this, target, 'delays the local broker\'s Fetch answers');
      local.faults.delay(5000, FETCH);
      try {
        const o = await query({ topic: orders, range: { kind: 'offsets', from: 0 }, budget: { seconds: 1 } });
        assert.strictEqual(o.summary.stopped, 'seconds');
        assert.strictEqual(o.summary.forced, undefined, 'the worker stopped by itself');
        assert.strictEqual(o.summary.scanned, 0);
        assert.ok(o.summary.elapsedMs >= 1000, `elapsed ${o.summary.elapsedMs} ms`);
      } finally {
        local.faults.clear();
      }
    });

    it('stops at the time budget between Fetch answers, with the records read so far and each partition\'s position', async function () {
      const local = localOnly(this, target, 'delays the local broker\'s Fetch answers');
      const topic = await newTopic(1);
      // 10 KB records: a Fetch brings at most about 100 of them (1 MiB), so the range takes several.
      const big = 'x'.repeat(10_000);
      for (let batch = 0; batch < 6; batch++) {
        await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ key: `r-${batch * 100 + i}`, value: big })) });
      }
      local.faults.delay(400, FETCH);
      try {
        const o = await query({ topic, range: { kind: 'offsets', from: 0 }, budget: { seconds: 1 } });
        assert.strictEqual(o.summary.stopped, 'seconds');
        assert.strictEqual(o.summary.forced, undefined, 'the worker stopped by itself');
        assert.ok(o.summary.scanned > 0 && o.summary.scanned < 600, `scanned ${o.summary.scanned} of 600`);
        assert.deepStrictEqual(
          o.records.map((r) => r.offset),
          Array.from({ length: o.summary.scanned }, (_, i) => i),
          'the records read before the budget ran out, in order, none missing',
        );
        assert.strictEqual(o.summary.partitions[0].next, o.summary.scanned, 'the partition\'s position is just after the last record read');
      } finally {
        local.faults.clear();
      }
    });

    it('stops on cancel, with what it had read', async function () {
      const local = localOnly(this, target, 'delays the local broker\'s Fetch answers');
      local.faults.delay(3000, FETCH);
      try {
        const o = await query({ topic: orders, range: { kind: 'offsets', from: 0 } }, as('dev'), (cancel, plans) => {
          void waitUntil(() => plans.length > 0, 'the plan').then(cancel);
        });
        assert.strictEqual(o.summary.stopped, 'cancel');
        assert.strictEqual(o.summary.forced, undefined, 'the worker stopped by itself');
        assert.ok(o.summary.elapsedMs < 3000, `stopped before the Fetch came back (${o.summary.elapsedMs} ms)`);
        assert.strictEqual(o.plans.length, 1);
      } finally {
        local.faults.clear();
      }
    });

    it('ends the worker when a regular expression runs past the time budget, and when it is cancelled', async function () {
      const local = localOnly(this, target, 'counts the local broker\'s connections');
      const topic = await newTopic(1);
      const before = connections(local);
      // (a|aa)* passes the nested-repetition check but backtracks exponentially on many a's with no match.
      await producer.send({ topic, messages: [{ key: 'slow', value: `${'a'.repeat(64)}!` }] });
      const spec: QuerySpec = { topic, range: { kind: 'offsets', from: 0 }, filter: 'value matches /^(a|aa)*$/', budget: { seconds: 1 } };
      const byTime = await query(spec);
      assert.deepStrictEqual([byTime.summary.stopped, byTime.summary.forced], ['seconds', true]);
      assert.ok(byTime.summary.elapsedMs < 10_000, `ended soon after the budget and the grace, not when the match ends (${byTime.summary.elapsedMs} ms)`);
      const byCancel = await query({ ...spec, budget: { seconds: 60 } }, as('dev'), (cancel, plans) => {
        void waitUntil(() => plans.length > 0, 'the plan').then(() => setTimeout(cancel, 300));
      });
      assert.deepStrictEqual([byCancel.summary.stopped, byCancel.summary.forced], ['cancel', true]);
      assert.ok(byCancel.summary.elapsedMs < 10_000, `${byCancel.summary.elapsedMs} ms`);
      await waitUntil(() => connections(local) <= before, 'the ended workers\' connections are closed');
    });

    it('reports an ACL-denied topic, whether Describe or only Read is denied', async function () {
      localOnly(this, target, 'ACLs are set on the local broker');
      const secret = await newTopic(1, 'secret');
      const denied = await query({ topic: secret, range: { kind: 'newest', count: 10 } }, as('reader'));
      assert.strictEqual(denied.summary.stopped, 'error');
      assert.strictEqual(denied.summary.error?.cause, 'topicAuthorization', JSON.stringify(denied.summary.error));
      assert.strictEqual(denied.records.length, 0);
      const writeOnly = await query({ topic: orders, range: { kind: 'newest', count: 10 } }, as('writer'));
      assert.strictEqual(writeOnly.summary.stopped, 'error');
      assert.strictEqual(writeOnly.summary.error?.cause, 'topicAuthorization', JSON.stringify(writeOnly.summary.error));
      assert.strictEqual(writeOnly.plans.length, 1, 'Describe was allowed: the offsets were looked up, then Fetch was refused');
      for (const o of [denied, writeOnly]) {
        assert.ok(!JSON.stringify(o.summary).includes(READER_PASSWORD) && !JSON.stringify(o.summary).includes(WRITER_PASSWORD), 'no password in the summary');
      }
    });

    it('reports an unknown topic and a partition the topic lacks', async () => {
      const unknown = await query({ topic: uniqueTopic('query-missing'), range: { kind: 'newest', count: 1 } });
      assert.deepStrictEqual([unknown.summary.stopped, unknown.summary.error?.cause], ['error', 'unknownTopic']);
      const partition = await query({ topic: orders, partitions: [0, 7], range: { kind: 'newest', count: 1 } });
      assert.deepStrictEqual([partition.summary.stopped, partition.summary.error?.cause], ['error', 'unknownPartition']);
      assert.match(partition.summary.error?.detail ?? '', /no partition 7/);
    });

    it('joins no consumer group and commits nothing: a user without any group ACL reads, and the broker holds no group', async function () {
      const local = localOnly(this, target, 'the group list is read from the local broker');
      const groupsBefore = local.cluster.groups.listGroupIds();
      const before = connections(local);
      const o = await query({ topic: orders, range: { kind: 'offsets', from: 0 }, filter: 'status = "paid"' }, as('reader'));
      assert.strictEqual(o.summary.stopped, 'range', JSON.stringify(o.summary.error));
      assert.strictEqual(o.records.length, ORDERS.filter((r) => r.status === 'paid').length + 1);
      assert.deepStrictEqual(local.cluster.groups.listGroupIds(), groupsBefore);
      assert.deepStrictEqual(groupsBefore, [], 'no test of this suite left a group');
      await waitUntil(() => connections(local) <= before, 'the worker closed its connections');
    });

    it('sends the broker no group request at all, not even as a user who may use every group: nothing to leave behind, nothing committed', async function () {
      const local = localOnly(this, target, 'the requests are counted on the local broker');
      const served = (apiKey: number) => local.cluster.requestsByApi.get(apiKey) ?? 0;
      const groupRequests = () => Object.fromEntries(Object.entries(GROUP_APIS).map(([name, key]) => [name, served(key)]));
      const before = groupRequests();
      const fetchesBefore = served(FETCH);
      const o = await query({ topic: orders, range: { kind: 'time', from: T0, to: T0 + 99_000 }, filter: 'status = "paid"' }, as('dev'));
      assert.strictEqual(o.summary.stopped, 'range', JSON.stringify(o.summary.error));
      assert.deepStrictEqual(keys(o), keysOf(ORDERS.filter((r) => r.i < 100 && r.status === 'paid')));
      assert.ok(served(FETCH) > fetchesBefore, 'the counts see the scan\'s own requests');
      assert.deepStrictEqual(groupRequests(), before);
      assert.deepStrictEqual(local.cluster.groups.listGroupIds(), []);
    });
  });

  describe('compressed batches', () => {
    it('reads batches that kcat wrote with each codec, interleaved, inside the worker', async function () {
      const topic = await newTopic(2);
      const expected: string[] = [];
      const codecs = [
        [0, 'lz4'],
        [1, 'zstd'],
        [0, 'gzip'],
        [1, 'snappy'],
        [0, 'none'],
      ] as const;
      for (const [partition, codec] of codecs) {
        const lines = Array.from({ length: 500 }, (_, i) => `${codec}-${i}\t{"codec":"${codec}","n":${i},"note":"${i % 10 === 0 ? 'match' : 'skip'} 你好"}`);
        const { code, stderr } = await kcat(target, ['-P', '-t', topic, '-p', String(partition), '-z', codec, '-K', '\t', ...ONE_BATCH], `${lines.join('\n')}\n`);
        assert.strictEqual(code, 0, stderr);
        expected.push(...lines.filter((l) => l.includes('match')).map((l) => l.split('\t')[0]));
      }
      if (target.local) {
        const stored = (p: number) => [...new Set((target.local as LocalBroker).cluster.topics.get(topic)?.partitions[p].batches.map((b) => COMPRESSIONS[b.bytes.readInt16BE(21) & 0x07]))].sort();
        assert.deepStrictEqual([stored(0), stored(1)], [['gzip', 'lz4', 'none'], ['snappy', 'zstd']], 'the broker holds batches of every codec');
      }
      const o = await query({ topic, range: { kind: 'offsets', from: 0 }, filter: 'note contains "match"' });
      assert.strictEqual(o.summary.stopped, 'range');
      assert.strictEqual(o.summary.scanned, 500 * codecs.length);
      assert.deepStrictEqual(keys(o), expected.sort());
      assert.deepStrictEqual(o.summary.skipped, []);
      for (const [, codec] of codecs) {
        const v = o.records.find((r) => Buffer.from(r.key ?? []).toString() === `${codec}-490`);
        assert.strictEqual(Buffer.from(v?.value ?? []).toString(), `{"codec":"${codec}","n":490,"note":"match 你好"}`);
      }
    });

    it('goes past a batch it cannot decode, and names it', async function () {
      const local = localOnly(this, target, 'spoils a batch inside the broker');
      const topic = await newTopic(1);
      const send = (prefix: string, compression: 'none' | 'lz4') =>
        sendRecords(producer, { topic, partitionCount: 1, maxMessageBytes: 1_048_576 }, Array.from({ length: 20 }, (_, i) => ({ value: `${prefix}-${i}`, partition: 0, line: i + 1 })), { compression });
      await send('before', 'none');
      await send('bad', 'lz4');
      await send('after', 'none');
      const bad = local.cluster.topics.get(topic)?.partitions[0].batches[1];
      assert.ok(bad);
      bad.bytes.fill(0x5a, 61 + 4, bad.bytes.length - 4);
      const o = await query({ topic, range: { kind: 'offsets', from: 0 } });
      assert.strictEqual(o.summary.stopped, 'range');
      assert.strictEqual(o.summary.scanned, 40);
      assert.deepStrictEqual(
        o.records.map((r) => Buffer.from(r.value ?? []).toString()),
        [...Array.from({ length: 20 }, (_, i) => `before-${i}`), ...Array.from({ length: 20 }, (_, i) => `after-${i}`)],
      );
      assert.strictEqual(o.summary.skipped.length, 1);
      const skipped = o.summary.skipped[0];
      assert.deepStrictEqual([skipped.partition, skipped.firstOffset, skipped.lastOffset, skipped.compression], [0, 20, 39, 'lz4']);
      assert.match(skipped.reason, /lz4/);
    });
  });

  describe('export, then produce again', () => {
    /**
     * Every record of the topic as kcat reads it, partition by partition in offset order (kcat interleaves the
     * partitions as they come): partition, key, headers, size and value as hex bytes, NULL for a null key or
     * value; a value over 100 bytes as its SHA-256, so that a difference stays readable.
     */
    const kcatRecords = async (topic: string) => {
      const { code, stdoutBytes, stderr } = await kcat(target, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-Z', '-f', '%p\x1f%k\x1f%h\x1f%S\x1f%s\x1e'], undefined, 60_000);
      assert.strictEqual(code, 0, stderr);
      const records: { partition: string; key: string; headers: string; size: string; value: string }[] = [];
      for (let start = 0, end = stdoutBytes.indexOf(0x1e); end >= 0; start = end + 1, end = stdoutBytes.indexOf(0x1e, start)) {
        const record = stdoutBytes.subarray(start, end);
        // Four separators; the value after the last may hold any byte.
        const at = [-1];
        for (let i = 0; i < 4; i++) {
          at.push(record.indexOf(0x1f, at[i] + 1));
        }
        const [partition, key, headers, size] = at.slice(1).map((to, i) => record.subarray(at[i] + 1, to));
        const value = record.subarray(at[4] + 1);
        const shown = value.length > 100 ? `sha256:${createHash('sha256').update(value).digest('hex')}` : value.toString('hex');
        records.push({ partition: partition.toString(), key: key.toString('hex'), headers: headers.toString('hex'), size: size.toString(), value: shown });
      }
      return records.sort((a, b) => Number(a.partition) - Number(b.partition));
    };

    it('JSON Lines of found records, read by Produce Selection as Lines and sent to another topic, give the same bytes there, as kcat reads them', async () => {
      const [from, to] = [await newTopic(2, 'query-export'), await newTopic(2, 'query-export')];
      await producer.send({
        topic: from,
        messages: [
          { partition: 0, key: Buffer.from([0xff, 0x00, 0xc3]), value: Buffer.from([0x80, 0x00, 0xfe]), headers: { bin: Buffer.from([0xfe, 0x01]), seen: ['a', Buffer.from([0xc3, 0x28])] } },
          { partition: 1, key: 'order-1', value: '{"orderId":1234567890123456789,"price":1.10}', headers: { source: 'web', empty: '' } },
          { partition: 1, key: 'tombstone', value: null },
          { partition: 0, key: null, value: ' "quoted" \u2028 text ' },
          { partition: 0, key: '', value: '' },
          { partition: 1, key: 'null', value: 'null', headers: { 'trace-id': '12345678901234567890' } },
          { partition: 1, key: 'large', value: Buffer.alloc(300_000, 0xa7) },
        ],
      });
      const found = await query({ topic: from, range: { kind: 'offsets', from: 0 } });
      assert.strictEqual(found.records.length, 7);
      const { text, inexact } = toJsonLines(found.records);
      assert.strictEqual(inexact, 0, text.slice(0, 2000));
      const parsed = await parseLines(text, 1, { format: 'jsonl' });
      const report = await sendRecords(producer, { topic: to, partitionCount: 2, maxMessageBytes: 1_048_576 }, parsed);
      assert.strictEqual(report.acknowledged, 7, JSON.stringify(report.unacknowledged));
      const [source, copy] = [await kcatRecords(from), await kcatRecords(to)];
      assert.strictEqual(source.length, 7);
      assert.deepStrictEqual(copy, source);
      assert.ok(source.some((r) => r.size === '-1' && r.value === Buffer.from('NULL').toString('hex')), 'kcat read the tombstone as a null value (size -1)');
      assert.ok(source.some((r) => r.size === '300000'), 'and the 300 KB value');
    });
  });
});

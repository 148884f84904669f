import * as assert from 'assert';
import { Admin } from 'kafkajs';
import { kafkaErrorType } from '../../src/kafka/errors';
import { ClusterProducer, IdempotenceRefusedError } from '../../src/kafka/produce/producer';
import { OutgoingRecord } from '../../src/kafka/produce/records';
import { ProduceReport, sendRecords, topicFacts } from '../../src/kafka/produce/send';
import { ErrorCode, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { kafkaFor, localOnly, startTarget, Target, uniqueTopic, waitUntil } from './env';

/**
 * The cluster's producer (ClusterProducer) against the local broker: idempotent where allowed, acks=all
 * without idempotence where InitProducerId is refused (`auto`), and a new producer after a fatal sequence
 * error. What went out is read from the broker's log: a batch of an idempotent producer carries its
 * producer id, one without idempotence carries -1.
 */
const REFUSED_USER = 'ckafka-sandbox#no-idempotent-write';
const REFUSED_PASSWORD = 'no-idempotent-write-secret';

describe('cluster producer', function () {
  this.timeout(60_000);
  let target: Target;
  let admin: Admin;
  const producers: ClusterProducer[] = [];

  before(async () => {
    target = await startTarget({
      users: { [SANDBOX_USER]: SANDBOX_PASSWORD, [REFUSED_USER]: REFUSED_PASSWORD },
      acls: { [REFUSED_USER]: { read: ['*'], write: ['*'], groups: ['*'], idempotentWrite: false } },
    });
    admin = kafkaFor(target).admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(producers.splice(0).map((p) => p.disconnect()));
  });

  after(async () => {
    await admin?.disconnect();
    await target?.local?.stop();
  });

  const producerFor = (user: 'allowed' | 'refused') => {
    const kafka = user === 'allowed' ? kafkaFor(target) : kafkaFor({ ...target, username: REFUSED_USER, password: REFUSED_PASSWORD });
    const producer = new ClusterProducer(kafka);
    producers.push(producer);
    return producer;
  };
  const newTopic = async (partitions = 1) => {
    const topic = uniqueTopic('producer');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    return topic;
  };
  const records = (prefix: string, count: number, partition?: number): OutgoingRecord[] =>
    Array.from({ length: count }, (_, i) => ({ value: `${prefix}-${i}`, line: i + 1, ...(partition === undefined ? {} : { partition }) }));
  const send = async (producer: ClusterProducer, topic: string, batch: OutgoingRecord[]): Promise<ProduceReport> =>
    sendRecords(producer, await topicFacts(admin, topic), batch, { maxRecordsPerBatch: 2 });
  /** Producer id and values of every batch the broker holds for the topic, partition by partition. */
  const batches = (topic: string) => {
    const t = target.local?.cluster.topics.get(topic);
    assert.ok(t, `topic ${topic} exists`);
    return t.partitions.flatMap((p, partition) => p.batches.map((b, index) => ({ partition, index, producerId: b.producerId, count: b.lastOffset - b.baseOffset + 1 })));
  };
  const written = (topic: string) => batches(topic).reduce((n, b) => n + b.count, 0);

  it('auto: idempotent where the cluster allows it, with no notice', async function () {
    localOnly(this, target, 'reads the broker log');
    const topic = await newTopic();
    const producer = producerFor('allowed');
    assert.deepStrictEqual(await producer.use('auto'), { idempotent: true });
    const report = await send(producer, topic, records('a', 5));
    assert.strictEqual(report.acknowledged, 5);
    assert.ok(
      batches(topic).every((b) => b.producerId >= 0),
      JSON.stringify(batches(topic)),
    );
    assert.strictEqual(producer.takeFallbackNotice(), undefined);
  });

  it('auto: where InitProducerId is refused, sends with acks=all without idempotence, and says so once', async function () {
    localOnly(this, target, 'reads the broker log');
    const topic = await newTopic();
    const producer = producerFor('refused');
    assert.deepStrictEqual(await producer.use('auto'), { idempotent: false, refusal: 'CLUSTER_AUTHORIZATION_FAILED' });
    const first = await send(producer, topic, records('r', 3));
    assert.strictEqual(first.acknowledged, 3, JSON.stringify(first.unacknowledged));
    assert.strictEqual(producer.takeFallbackNotice(), 'CLUSTER_AUTHORIZATION_FAILED');
    assert.strictEqual(producer.takeFallbackNotice(), undefined, 'the notice is due once');
    const second = await send(producer, topic, records('s', 2));
    assert.strictEqual(second.acknowledged, 2);
    assert.strictEqual(producer.takeFallbackNotice(), undefined);
    assert.deepStrictEqual(
      batches(topic).map((b) => b.producerId),
      [-1, -1, -1],
      'every batch was written without a producer id',
    );
    assert.strictEqual(written(topic), 5);
  });

  it('auto: the producer connected before the first send (as the extension does) falls back the same way', async function () {
    localOnly(this, target, 'reads the broker log');
    const topic = await newTopic();
    const producer = producerFor('refused');
    await producer.connect();
    const report = await send(producer, topic, records('c', 2));
    assert.strictEqual(report.acknowledged, 2);
    assert.strictEqual(producer.takeFallbackNotice(), 'CLUSTER_AUTHORIZATION_FAILED');
    assert.deepStrictEqual((await producer.use('auto')).idempotent, false);
  });

  it('always: refuses to send where InitProducerId is refused; nothing is written', async function () {
    localOnly(this, target, 'reads the broker log');
    const topic = await newTopic();
    const producer = producerFor('refused');
    await assert.rejects(producer.use('always'), (error: unknown) => {
      assert.ok(error instanceof IdempotenceRefusedError, String(error));
      assert.strictEqual(error.refusal, 'CLUSTER_AUTHORIZATION_FAILED');
      assert.strictEqual(kafkaErrorType(error), 'CLUSTER_AUTHORIZATION_FAILED', 'the broker error stays in the chain, for the console hint');
      return true;
    });
    assert.strictEqual(producer.takeFallbackNotice(), undefined);
    assert.strictEqual(written(topic), 0);
  });

  it('never: sends without idempotence even where it is allowed; a change of mode takes a new producer', async function () {
    localOnly(this, target, 'reads the broker log');
    const topic = await newTopic();
    const producer = producerFor('allowed');
    assert.deepStrictEqual(await producer.use('never'), { idempotent: false });
    await send(producer, topic, records('n', 2));
    assert.deepStrictEqual(await producer.use('auto'), { idempotent: true });
    await send(producer, topic, records('i', 2));
    assert.deepStrictEqual(
      batches(topic).map((b) => b.producerId >= 0),
      [false, true],
    );
    assert.strictEqual(producer.takeFallbackNotice(), undefined, 'never is no fallback');
  });

  it('after UNKNOWN_PRODUCER_ID the failed send is reported, and the next send succeeds with a new producer id', async function () {
    const broker = localOnly(this, target, 'expires producer state in the broker');
    const topic = await newTopic();
    const producer = producerFor('allowed');
    assert.strictEqual((await send(producer, topic, records('before', 4))).acknowledged, 4);
    const [firstId] = new Set(batches(topic).map((b) => b.producerId));

    broker.faults.expireProducers();
    const failed = await send(producer, topic, records('refused', 2));
    assert.strictEqual(failed.acknowledged, 0);
    assert.strictEqual(kafkaErrorType(failed.unacknowledged[0]?.error), 'UNKNOWN_PRODUCER_ID');

    const next = await send(producer, topic, records('after', 4));
    assert.strictEqual(next.acknowledged, 4, JSON.stringify(next.unacknowledged.map((u) => kafkaErrorType(u.error))));
    const ids = batches(topic).map((b) => b.producerId);
    assert.strictEqual(ids.length, 4, 'two batches before, none of the refused send, two after');
    assert.deepStrictEqual(ids.slice(0, 2), [firstId, firstId]);
    assert.ok(ids[2] >= 0 && ids[2] !== firstId && ids[3] === ids[2], `a new idempotent producer: ${ids.join(', ')}`);
  });

  it('after UNKNOWN_PRODUCER_ID on every partition at once, one new producer serves them all', async function () {
    const broker = localOnly(this, target, 'expires producer state in the broker');
    const topic = await newTopic(3);
    const producer = producerFor('allowed');
    const spread = [0, 1, 2].flatMap((p) => records(`p${p}`, 4, p));
    assert.strictEqual((await send(producer, topic, spread)).acknowledged, 12);
    broker.faults.expireProducers();
    const failed = await send(producer, topic, spread);
    assert.strictEqual(failed.acknowledged, 0, 'each partition stops at its refused batch');
    assert.strictEqual(failed.unacknowledged.length, 3);
    assert.strictEqual(batches(topic).length, 6, 'nothing of the refused send was written');
    assert.strictEqual((await send(producer, topic, spread)).acknowledged, 12);
    const first = new Set(batches(topic).filter((b) => b.index < 2).map((b) => b.producerId));
    const after = new Set(batches(topic).filter((b) => b.index >= 2).map((b) => b.producerId));
    assert.strictEqual(first.size, 1);
    assert.ok(!after.has([...first][0]), 'the new batches are not from the first producer');
    assert.strictEqual(after.size, 1, `one producer id after the renewal: ${[...after].join(', ')}`);
  });

  for (const code of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH'] as const) {
    it(`after ${code} the next send goes through a new producer`, async function () {
      const broker = localOnly(this, target, 'injects an error into Produce');
      const topic = await newTopic();
      const producer = producerFor('allowed');
      await send(producer, topic, records('one', 1));
      broker.faults.failNext(0, 1, ErrorCode[code]);
      const failed = await send(producer, topic, records('two', 1));
      assert.strictEqual(kafkaErrorType(failed.unacknowledged[0]?.error), code);
      await send(producer, topic, records('three', 1));
      const ids = batches(topic).map((b) => b.producerId);
      assert.strictEqual(ids.length, 2);
      assert.notStrictEqual(ids[1], ids[0], `a new producer id: ${ids.join(', ')}`);
    });
  }

  it('leaves no connection open after renewals and a change of mode, once disconnected', async function () {
    const broker = localOnly(this, target, 'counts broker connections');
    const topic = await newTopic();
    const kafka = kafkaFor(target);
    const producer = new ClusterProducer(kafka);
    const facts = await topicFacts(admin, topic);
    await admin.disconnect();
    try {
      await sendRecords(producer, facts, records('x', 2));
      broker.faults.expireProducers();
      await sendRecords(producer, facts, records('y', 2));
      await sendRecords(producer, facts, records('z', 2));
      await producer.use('never');
      await sendRecords(producer, facts, records('w', 2));
      await producer.disconnect();
      await waitUntil(() => broker.openConnections().every((n) => n === 0), `no connection left (${broker.openConnections().join(', ')})`, 10_000);
    } finally {
      await admin.connect();
    }
  });
});

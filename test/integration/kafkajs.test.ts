import * as assert from 'assert';
import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { kafkaFor, startTarget, Target, uniqueTopic, waitUntil } from './env';

describe('the kafkajs surface the extension uses', function () {
  let target: Target;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    target = await startTarget({ brokers: 3 });
    kafka = kafkaFor(target);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin.disconnect();
    await target.local?.stop();
  });

  it('creates, lists, describes and deletes topics', async () => {
    const topic = uniqueTopic('admin');
    assert.strictEqual(await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 2 }] }), true);
    assert.ok((await admin.listTopics()).includes(topic));
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.strictEqual(topics[0].partitions.length, 4);
    const leaders = new Set(topics[0].partitions.map((p) => p.leader));
    if (target.local) {
      assert.strictEqual(leaders.size, 3, 'leadership is spread across the three brokers');
    }
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    const maxBytes = configs.resources[0].configEntries.find((c) => c.configName === 'max.message.bytes');
    assert.ok(maxBytes);
    if (target.local) {
      assert.strictEqual(maxBytes.configValue, String(1024 * 1024));
    }
    await admin.deleteTopics({ topics: [topic] });
    assert.ok(!(await admin.listTopics()).includes(topic));
  });

  it('finds offsets at the ends and by timestamp', async () => {
    const topic = uniqueTopic('offsets');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now() - 60_000;
    await producer.send({ topic, messages: [0, 1, 2, 3].map((i) => ({ value: `v${i}`, timestamp: String(t0 + i * 10_000) })) });
    await producer.disconnect();
    assert.deepStrictEqual(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.low, p.high]),
      [[0, '0', '4']],
    );
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 15_000), [{ partition: 0, offset: '2' }]);
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 100_000), [{ partition: 0, offset: '4' }]);
  });

  it('produces with acks -1 and with the idempotent producer, with exact offsets', async () => {
    const topic = uniqueTopic('acks');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const first = await producer.send({ topic, acks: -1, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    assert.deepStrictEqual(first.map((r) => [r.partition, r.baseOffset, r.errorCode]), [[0, '0', 0]]);
    await producer.disconnect();
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    const second = await idempotent.send({ topic, acks: -1, messages: [{ value: 'c', partition: 0 }, { value: 'd', partition: 1 }] });
    assert.deepStrictEqual(second.map((r) => [r.partition, r.baseOffset]).sort(), [[0, '2'], [1, '0']]);
    await idempotent.disconnect();
  });

  it('lists, describes, fetches offsets of and deletes consumer groups', async () => {
    const topic = uniqueTopic('groups');
    const groupId = uniqueTopic('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}`, partition: i % 2 })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async () => {
          if (++seen === 10) {
            resolve();
          }
        },
      });
    });
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '5' },
      { topic, partition: 1, offset: '5' },
    ]);
    const listed = await admin.listGroups();
    assert.ok(listed.groups.some((g) => g.groupId === groupId && g.protocolType === 'consumer'));
    const described = await admin.describeGroups([groupId]);
    assert.strictEqual(described.groups[0].state, 'Stable');
    assert.strictEqual(described.groups[0].members.length, 1);
    await assert.rejects(admin.deleteGroups([groupId]), 'a group with members cannot be deleted');
    await consumer.disconnect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.deepStrictEqual(
      offsets[0].partitions.map((p) => [p.partition, p.offset]).sort(),
      [
        [0, '5'],
        [1, '5'],
      ],
    );
    assert.strictEqual((await admin.describeGroups([groupId])).groups[0].state, 'Empty');
    await admin.deleteGroups([groupId]);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === groupId));
  });

  it('rebalances a group of two members and resumes from committed offsets', async () => {
    const topic = uniqueTopic('rebalance');
    const groupId = uniqueTopic('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value: `${from + i}`, partition: (from + i) % 4 })) });
    await send(0, 40);
    const seen: string[] = [];
    const assignments = new Map<string, number[]>();
    const member = (name: string) => {
      const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 5000 });
      c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment[topic] ?? []));
      return c;
    };
    const a = member('a');
    await a.connect();
    await a.subscribe({ topic, fromBeginning: true });
    await a.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitUntil(() => seen.length >= 40, 'a reads the first 40');
    const b = member('b');
    await b.connect();
    await b.subscribe({ topic, fromBeginning: true });
    await b.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitUntil(() => (assignments.get('a')?.length ?? 0) === 2 && (assignments.get('b')?.length ?? 0) === 2, 'both members hold two partitions');
    await send(40, 40);
    await waitUntil(() => seen.length >= 80, 'the two members read the next 40');
    await a.disconnect();
    await b.disconnect();
    assert.deepStrictEqual(
      [...new Set(seen)].map(Number).sort((x, y) => x - y),
      Array.from({ length: 80 }, (_, i) => i),
    );
    assert.strictEqual(seen.length, 80, 'no record was read twice');
    await send(80, 8);
    const c = kafka.consumer({ groupId });
    const resumed: number[] = [];
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void resumed.push(Number(message.value)) });
    await waitUntil(() => resumed.length >= 8, 'a new member resumes after the committed offsets');
    await c.disconnect();
    assert.deepStrictEqual(
      resumed.sort((x, y) => x - y),
      [80, 81, 82, 83, 84, 85, 86, 87],
    );
  });
});

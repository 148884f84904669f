import * as assert from 'assert';
import { Admin, ConfigResourceTypes, EachMessagePayload, Kafka } from 'kafkajs';
import { kafkaFor, localOnly, requireApi, startTarget, takeTopic, Target, uniqueTopic, waitUntil } from './env';

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
    await admin?.disconnect();
    await target?.local?.stop();
  });

  it('creates and deletes topics through the admin API', async function () {
    localOnly(this, target, 'CKafka topics are made in the console; its admin API is not to create or delete them');
    const topic = uniqueTopic('admin');
    assert.strictEqual(await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 2 }] }), true);
    assert.ok((await admin.listTopics()).includes(topic));
    assert.strictEqual((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length, 4);
    await admin.deleteTopics({ topics: [topic] });
    assert.ok(!(await admin.listTopics()).includes(topic));
  });

  it('lists and describes a topic: partitions, leaders and max.message.bytes', async function () {
    await requireApi(this, target, 'DescribeConfigs');
    const topic = await takeTopic(target, 'describe', 3);
    assert.ok((await admin.listTopics()).includes(topic.name));
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic.name] });
    assert.strictEqual(topics[0].partitions.length, 3);
    const brokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
    for (const p of topics[0].partitions) {
      assert.ok(brokers.includes(p.leader), `partition ${p.partitionId}: leader ${p.leader} is one of the brokers ${brokers.join(', ')}`);
    }
    if (target.local) {
      assert.strictEqual(new Set(topics[0].partitions.map((p) => p.leader)).size, 3, 'leadership is spread across the three brokers');
    }
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic.name }], includeSynonyms: false });
    const maxBytes = configs.resources[0].configEntries.find((c) => c.configName === 'max.message.bytes');
    assert.ok(maxBytes && /^[1-9][0-9]*$/.test(maxBytes.configValue), JSON.stringify(maxBytes));
    if (target.local) {
      assert.strictEqual(maxBytes.configValue, String(target.local.cluster.options.maxMessageBytes));
    }
  });

  it('finds offsets at the ends and by timestamp', async function () {
    await requireApi(this, target, 'ListOffsets', 1);
    const topic = await takeTopic(target, 'offsets', 1);
    const producer = kafka.producer();
    await producer.connect();
    // From now on: later than any record an earlier run left in the topic.
    const t0 = Date.now();
    await producer.send({ topic: topic.name, messages: [0, 1, 2, 3].map((i) => ({ value: `v${i}`, timestamp: String(t0 + i * 1000) })) });
    await producer.disconnect();
    const [ends] = await admin.fetchTopicOffsets(topic.name);
    assert.deepStrictEqual([ends.partition, Number(ends.high)], [0, topic.at(0, 4)]);
    assert.ok(Number(ends.low) <= topic.start[0], `log start ${ends.low} after the test's first record ${topic.start[0]}`);
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp(topic.name, t0 + 1500), [{ partition: 0, offset: String(topic.at(0, 2)) }]);
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp(topic.name, t0 + 10_000), [{ partition: 0, offset: String(topic.at(0, 4)) }]);
  });

  it('produces with acks -1 and with the idempotent producer, with exact offsets', async function () {
    await requireApi(this, target, 'InitProducerId');
    const topic = await takeTopic(target, 'acks', 3);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const first = await producer.send({ topic: topic.name, acks: -1, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    assert.deepStrictEqual(first.map((r) => [r.partition, r.baseOffset, r.errorCode]), [[0, String(topic.at(0, 0)), 0]]);
    await producer.disconnect();
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    const second = await idempotent.send({ topic: topic.name, acks: -1, messages: [{ value: 'c', partition: 0 }, { value: 'd', partition: 1 }] });
    assert.deepStrictEqual(
      second.map((r) => [r.partition, r.baseOffset]).sort(),
      [
        [0, String(topic.at(0, 2))],
        [1, String(topic.at(1, 0))],
      ],
    );
    await idempotent.disconnect();
  });

  it('lists, describes, fetches offsets of and deletes consumer groups', async function () {
    await requireApi(this, target, 'DeleteGroups');
    const topic = await takeTopic(target, 'groups', 3);
    const groupId = uniqueTopic('g');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic.name, messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}`, partition: i % 2 })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: topic.name, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (topic.isNew(partition, message.offset) && ++seen === 10) {
            resolve();
          }
        },
      });
    });
    await consumer.commitOffsets([
      { topic: topic.name, partition: 0, offset: String(topic.at(0, 5)) },
      { topic: topic.name, partition: 1, offset: String(topic.at(1, 5)) },
    ]);
    const listed = await admin.listGroups();
    assert.ok(listed.groups.some((g) => g.groupId === groupId && g.protocolType === 'consumer'));
    const described = await admin.describeGroups([groupId]);
    assert.strictEqual(described.groups[0].state, 'Stable');
    assert.strictEqual(described.groups[0].members.length, 1);
    await assert.rejects(admin.deleteGroups([groupId]), 'a group with members cannot be deleted');
    await consumer.disconnect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic.name] });
    assert.deepStrictEqual(
      offsets[0].partitions
        .filter((p) => p.partition < 2)
        .map((p) => [p.partition, p.offset])
        .sort(),
      [
        [0, String(topic.at(0, 5))],
        [1, String(topic.at(1, 5))],
      ],
    );
    assert.strictEqual((await admin.describeGroups([groupId])).groups[0].state, 'Empty');
    await admin.deleteGroups([groupId]);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === groupId));
  });

  it('rebalances a group of two members and resumes from committed offsets', async () => {
    const topic = await takeTopic(target, 'rebalance', 3);
    const groupId = uniqueTopic('g');
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({ topic: topic.name, messages: Array.from({ length: n }, (_, i) => ({ value: `${from + i}`, partition: (from + i) % 3 })) });
    await send(0, 42);
    const seen: string[] = [];
    const assignments = new Map<string, number[]>();
    const member = (name: string) => {
      const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 5000 });
      c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment[topic.name] ?? []));
      return c;
    };
    // Records the topic held before the test are read too, and left out here.
    const keep = (into: string[]) => async ({ partition, message }: EachMessagePayload) => {
      if (topic.isNew(partition, message.offset)) {
        into.push(String(message.value));
      }
    };
    const a = member('a');
    await a.connect();
    await a.subscribe({ topic: topic.name, fromBeginning: true });
    await a.run({ eachMessage: keep(seen) });
    await waitUntil(() => seen.length >= 42, 'a reads the first 42');
    const b = member('b');
    await b.connect();
    await b.subscribe({ topic: topic.name, fromBeginning: true });
    await b.run({ eachMessage: keep(seen) });
    const held = (name: string) => assignments.get(name)?.length ?? 0;
    await waitUntil(() => held('a') + held('b') === 3 && held('a') > 0 && held('b') > 0, 'both members hold partitions');
    await send(42, 42);
    await waitUntil(() => seen.length >= 84, 'the two members read the next 42');
    await a.disconnect();
    await b.disconnect();
    assert.deepStrictEqual(
      [...new Set(seen)].map(Number).sort((x, y) => x - y),
      Array.from({ length: 84 }, (_, i) => i),
    );
    assert.strictEqual(seen.length, 84, 'no record was read twice');
    await send(84, 9);
    const c = kafka.consumer({ groupId });
    const resumed: string[] = [];
    await c.connect();
    await c.subscribe({ topic: topic.name, fromBeginning: true });
    await c.run({ eachMessage: keep(resumed) });
    await waitUntil(() => resumed.length >= 9, 'a new member resumes after the committed offsets');
    await new Promise((r) => setTimeout(r, 300));
    await c.disconnect();
    await producer.disconnect();
    assert.deepStrictEqual(
      resumed.map(Number).sort((x, y) => x - y),
      [84, 85, 86, 87, 88, 89, 90, 91, 92],
    );
  });
});

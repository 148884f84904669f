import * as assert from 'assert';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { planGroupMove } from '../../src/kafka/groupMove';
import { kafkaFor, localSuite, startTarget, Target, uniqueTopic } from './env';

/** Planning a named group's move against a broker: members, committed offsets and targets, and no change. */
localSuite('planning a named group move', 'fills a topic it creates with known offsets', function () {
  this.timeout(60_000);
  let target: Target;
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);

  before(async () => {
    target = await startTarget();
    kafka = kafkaFor(target);
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueTopic('move');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `p${partition}-${i}`, timestamp: String(T0 + i * 1000) })) });
    }
    await producer.disconnect();
  });

  after(async () => {
    await admin?.disconnect();
    await target?.local?.stop();
  });

  const committed = async (groupId: string) =>
    Object.fromEntries(((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));

  it('lists each partition committed → target, clamped into the log, without committing anything', async () => {
    const groupId = uniqueTopic('idle-group');
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });
    const plan = await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 4 });
    assert.strictEqual(plan.state, 'Empty');
    assert.deepStrictEqual(plan.activeMembers, []);
    assert.deepStrictEqual(plan.partitions, [
      { partition: 0, committed: 3, target: 4 },
      { partition: 1, committed: null, target: 4 },
    ]);
    assert.deepStrictEqual(
      (await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 99 })).partitions.map((p) => p.target),
      [10, 10],
    );
    assert.deepStrictEqual((await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 2, partition: 1 })).partitions, [{ partition: 1, committed: null, target: 2 }]);
    assert.deepStrictEqual(
      (await planGroupMove(admin, groupId, topic, { kind: 'timestamp', timestamp: T0 + 5500 })).partitions.map((p) => p.target),
      [6, 6],
    );
    assert.deepStrictEqual(await committed(groupId), { 0: '3', 1: '-1' }, 'planning commits nothing');
  });

  it('a group that does not exist is Dead, with nothing committed', async () => {
    const plan = await planGroupMove(admin, uniqueTopic('no-such-group'), topic, { kind: 'offset', offset: 1 });
    assert.strictEqual(plan.state, 'Dead');
    assert.deepStrictEqual(plan.activeMembers, []);
    assert.deepStrictEqual(
      plan.partitions.map((p) => p.committed),
      [null, null],
    );
  });

  it('names the members of a group an application consumes in, by client id and host', async () => {
    const groupId = uniqueTopic('live-group');
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '5' }] });
    const member: Consumer = kafkaFor(target, { clientId: 'orders-service' }).consumer({ groupId });
    await member.connect();
    await member.subscribe({ topic });
    await member.run({ autoCommit: false, eachMessage: async () => undefined });
    try {
      let plan = await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 0 });
      const deadline = Date.now() + 20_000;
      while (plan.state !== 'Stable' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        plan = await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 0 });
      }
      assert.strictEqual(plan.state, 'Stable');
      assert.deepStrictEqual(
        plan.activeMembers.map((m) => [m.clientId, m.clientHost]),
        [['orders-service', '/127.0.0.1']],
      );
      assert.strictEqual(plan.partitions[0].committed, 5);
    } finally {
      await member.disconnect();
    }
    const after = await planGroupMove(admin, groupId, topic, { kind: 'offset', offset: 0 });
    assert.strictEqual(after.state, 'Empty');
    assert.deepStrictEqual(after.activeMembers, [], 'a member that left is not active');
    assert.deepStrictEqual(await committed(groupId), { 0: '5', 1: '-1' });
  });
});

import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import type { Admin, Kafka, KafkaConfig } from 'kafkajs';
import { ErrorCode } from '../broker';
import { classifyGroupFailure } from '../../src/kafka/groupAccess';
import { loadGroup } from '../../src/kafka/metadata';
import { ActiveMembersError, committedOffsets, loadResetState, timeOffsets, UnknownGroupError, writePlan } from '../../src/kafka/reset/apply';
import { planReset } from '../../src/kafka/reset/plan';
import { classifyError } from '../../src/kafka/errors';
import { kafkaFor, localOnly, localSuite, startTarget, Target, uniqueTopic } from './env';
import { kcat, kcatConnection } from './kcat';

/**
 * Reset Group Offsets' Kafka side against the broker over TCP: reading the state a plan is made from,
 * timestamp lookups (checked against kcat's own `-o s@<ms>`), writing as a short-lived member with the
 * read-back, and the refusals (active member, ACL).
 */
const OFFSET_COMMIT = 8;
const LIMITED = 'ckafka-sandbox#limited';
const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);

// The plans are checked against exact offsets of topics made with known record counts.
localSuite('reset group offsets (src/kafka/reset) against the broker', 'creates topics with exact record counts per partition', function () {
  this.timeout(60_000);
  let target: Target;
  let kafka: Kafka;
  let admin: Admin;

  /** A topic of `partitions` partitions; partition p gets `counts[p]` records, one a second from T0 + p·100 ms. */
  async function topicWith(counts: number[]): Promise<string> {
    const topic = uniqueTopic('reset');
    await admin.createTopics({ topics: [{ topic, numPartitions: counts.length }] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = counts.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: `${partition}-${i}`, timestamp: String(T0 + i * 1000 + partition * 100) })));
    if (messages.length > 0) {
      await producer.send({ topic, messages });
    }
    await producer.disconnect();
    return topic;
  }

  const commit = (groupId: string, topic: string, offsets: number[]) =>
    admin.setOffsets({ groupId, topic, partitions: offsets.map((offset, partition) => ({ partition, offset: String(offset) })) });

  before(async () => {
    target = await startTarget({ users: { 'ckafka-sandbox#dev': 'ckafka-sandbox-secret', [LIMITED]: 'limited-secret' }, acls: { [LIMITED]: { read: ['reset-*'], groups: ['limited-*'] } } });
    kafka = kafkaFor(target);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await target?.local?.stop();
  });

  it('reads the group and, per partition, its committed offset and the log ends', async () => {
    const topic = await topicWith([5, 3, 0]);
    const groupId = uniqueTopic('state');
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '3' }] });
    const state = await loadResetState(admin, groupId, topic);
    assert.strictEqual(state.group.state, 'Empty');
    assert.deepStrictEqual(state.group.members, []);
    assert.deepStrictEqual(state.positions, [
      { partition: 0, committed: 2, start: 0, end: 5 },
      { partition: 1, committed: 3, start: 0, end: 3 },
      { partition: 2, committed: null, start: 0, end: 0 },
    ]);
  });

  it('refuses an unknown group and an unknown topic, each with its own error', async () => {
    const topic = await topicWith([1]);
    await assert.rejects(loadResetState(admin, uniqueTopic('never-used'), topic), (e) => e instanceof UnknownGroupError);
    const groupId = uniqueTopic('known');
    await commit(groupId, topic, [0]);
    await assert.rejects(loadResetState(admin, groupId, uniqueTopic('no-such-topic')), (e) => classifyError(e).cause === 'unknownTopic');
  });

  it('finds, per partition, the first offset at or after a time, as kcat -o s@<ms> does', async () => {
    // Partition p holds records at T0 + i s + p·100 ms; partition 3 has none after the time.
    const topic = await topicWith([6, 6, 6, 2]);
    const groupId = uniqueTopic('time');
    await commit(groupId, topic, [0, 0, 0, 0]);
    const { positions } = await loadResetState(admin, groupId, topic);
    assert.deepStrictEqual(
      positions.map((p) => p.end),
      [6, 6, 6, 2],
    );
    for (const time of [T0 + 2050, T0 + 2150, T0 - 1, T0 + 5100, T0 + 5201]) {
      const found = await timeOffsets(admin, topic, time);
      for (const p of [0, 1, 2, 3]) {
        const { code, stdout, stderr } = await kcat(target, ['-C', '-t', topic, '-p', String(p), '-o', `s@${time}`, '-c', '1', '-e', '-q', '-f', '%o\n']);
        assert.strictEqual(code, 0, stderr);
        // kcat prints nothing when no record is at or after the time: it starts at the log end.
        const expected = stdout.trim() === '' ? positions[p].end : Number(stdout.trim());
        assert.strictEqual(found.get(p), expected, `partition ${p} at ${time}: ours ${found.get(p)}, kcat ${stdout.trim() || '(end)'}`);
      }
    }
    const plan = planReset({ positions, strategy: { kind: 'timestamp', timestamp: T0 + 2050 }, timeOffsets: await timeOffsets(admin, topic, T0 + 2050) });
    assert.deepStrictEqual(
      plan.partitions.map((p) => [p.partition, p.next, p.note ?? '']),
      [
        [0, 3, ''],
        [1, 2, ''],
        [2, 2, ''],
        [3, 2, 'noRecordAfterTime'],
      ],
    );
  });

  it('writes a plan as a member, leaves the group empty, and reads back exactly the planned offsets', async () => {
    const topic = await topicWith([10, 10, 10]);
    const groupId = uniqueTopic('write');
    await commit(groupId, topic, [5, 5, 5]);
    const state = await loadResetState(admin, groupId, topic);
    const plan = planReset({ positions: state.positions, strategy: { kind: 'offsets', offsets: new Map([[0, 1], [2, 9]]) } });
    const started = Date.now();
    const result = await writePlan(kafka, admin, groupId, topic, plan);
    console.log(`      joined, committed and read back in ${Date.now() - started} ms`);
    assert.strictEqual(result.error, undefined);
    assert.deepStrictEqual(result.mismatches, []);
    assert.deepStrictEqual([...result.committed], [[0, 1], [2, 9]]);
    assert.deepStrictEqual([...(await committedOffsets(admin, groupId, topic))], [[0, 1], [1, 5], [2, 9]], 'partition 1 was not in the plan and kept its offset');
    const group = await loadGroup(admin, groupId);
    assert.deepStrictEqual([group.state, group.members.length], ['Empty', 0], 'the writing member left');
    if (target.local) {
      assert.deepStrictEqual([0, 1, 2].map((p) => target.local?.cluster.groups.committed(groupId, topic, p)), [1, 5, 9]);
    }
  });

  it('refuses while kcat -G is a member, naming its client id and host, and commits nothing', async () => {
    const topic = await topicWith([4, 4]);
    const groupId = uniqueTopic('live');
    await commit(groupId, topic, [4, 4]);
    const live: ChildProcess = spawn('kcat', [...kcatConnection(target), '-X', 'client.id=reset-live-member', '-G', groupId, topic, '-q'], { stdio: 'ignore' });
    try {
      let members = 0;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const group = await loadGroup(admin, groupId);
        members = group.members.length;
        if (group.state === 'Stable' && members > 0) {
          break;
        }
      }
      assert.strictEqual(members, 1, 'kcat is a member');
      const state = await loadResetState(admin, groupId, topic);
      assert.deepStrictEqual(
        state.group.members.map((m) => [m.clientId, m.clientHost, m.assignment]),
        [['reset-live-member', '/127.0.0.1', [{ topic, partitions: [0, 1] }]]],
      );
      const plan = planReset({ positions: state.positions, strategy: { kind: 'earliest' } });
      await assert.rejects(writePlan(kafka, admin, groupId, topic, plan), (e) => e instanceof ActiveMembersError && e.members[0].clientId === 'reset-live-member' && /reset-live-member \(\/127\.0\.0\.1\)/.test(e.message));
      assert.deepStrictEqual([...(await committedOffsets(admin, groupId, topic))], [[0, 4], [1, 4]], 'nothing was committed');
    } finally {
      live.kill('SIGTERM');
    }
  });

  it('reports a commit the broker refused as a difference from the plan, never as success', async function () {
    const local = localOnly(this, target, 'fault injection needs the local broker');
    const topic = await topicWith([6, 6]);
    const groupId = uniqueTopic('refused');
    await commit(groupId, topic, [3, 3]);
    const plan = planReset({ positions: (await loadResetState(admin, groupId, topic)).positions, strategy: { kind: 'latest' } });
    local.faults.failNext(OFFSET_COMMIT, 1, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const result = await writePlan(kafka, admin, groupId, topic, plan);
    local.faults.clear();
    assert.ok(result.error !== undefined, 'the failed commit is reported');
    assert.deepStrictEqual(result.mismatches, [
      { partition: 0, planned: 6, committed: 3 },
      { partition: 1, planned: 6, committed: 3 },
    ]);
  });

  it('names a group refused by an ACL as such, not as a coordinator failure', async function () {
    const local = localOnly(this, target, 'the ACL is configured on the local broker');
    const topic = await topicWith([1]);
    const limited: Target = { ...target, username: LIMITED, password: local.users[LIMITED] };
    const limitedAdmin = kafkaFor(limited, { retry: { retries: 1, initialRetryTime: 100 } }).admin();
    await limitedAdmin.connect();
    try {
      const error = await loadResetState(limitedAdmin, 'billing', topic).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error, 'the load failed');
      const config: KafkaConfig = { brokers: target.bootstrap.split(','), sasl: { mechanism: 'plain', username: LIMITED, password: local.users[LIMITED] } };
      assert.strictEqual((await classifyGroupFailure(config, 'billing', error)).cause, 'groupAuthorization');
    } finally {
      await limitedAdmin.disconnect();
    }
  });
});

import type { Admin, Consumer, Kafka } from 'kafkajs';
import { GroupInfo, GroupMember, loadGroup, loadPartitionOffsets } from '../metadata';
import type { PartitionPosition, ResetPlan } from './plan';

/** The group does not exist on the cluster (DescribeGroups calls it Dead and it holds no offsets). */
export class UnknownGroupError extends Error {
  constructor(readonly groupId: string) {
    super(`consumer group "${groupId}" does not exist`);
    this.name = 'UnknownGroupError';
  }
}

/** The group has members: Kafka only lets the offsets of an empty group be changed from outside. */
export class ActiveMembersError extends Error {
  constructor(
    readonly groupId: string,
    readonly members: readonly GroupMember[],
  ) {
    super(`consumer group "${groupId}" has ${members.length} active member(s): ${members.map((m) => `${m.clientId} (${m.clientHost})`).join(', ')}`);
    this.name = 'ActiveMembersError';
  }
}

/** What a reset is planned from: the group (state, members) and each partition of the topic. */
export interface ResetState {
  group: GroupInfo;
  positions: PartitionPosition[];
}

/**
 * Reads the group and, for every partition of the topic, its committed offset and the log's ends.
 * Throws UnknownGroupError for a group that does not exist, and the broker's error for an unknown or
 * refused topic (UNKNOWN_TOPIC_OR_PARTITION, TOPIC_AUTHORIZATION_FAILED).
 */
export async function loadResetState(admin: Pick<Admin, 'describeGroups' | 'fetchOffsets' | 'fetchTopicOffsets'>, groupId: string, topic: string): Promise<ResetState> {
  const group = await loadGroup(admin, groupId);
  if (group.state === 'Dead') {
    throw new UnknownGroupError(groupId);
  }
  // One after the other: kafkajs keeps a topic it was asked about in its metadata list, and two lookups of
  // an unknown topic at once can leave it there, failing every later request of the shared admin.
  const ends = await loadPartitionOffsets(admin, topic);
  const committed = await committedOffsets(admin, groupId, topic);
  return {
    group,
    positions: ends.map((e) => ({ partition: e.partition, committed: committed.get(e.partition) ?? null, start: e.earliest, end: e.latest })),
  };
}

/**
 * The group's committed offsets on the topic; partitions without one are absent. Every committed topic is
 * fetched and the topic picked out, so that no metadata lookup of the topic is involved.
 */
export async function committedOffsets(admin: Pick<Admin, 'fetchOffsets'>, groupId: string, topic: string): Promise<Map<number, number>> {
  const found = (await admin.fetchOffsets({ groupId })).find((t) => t.topic === topic);
  const out = new Map<number, number>();
  for (const p of found?.partitions ?? []) {
    const offset = Number(p.offset);
    if (Number.isSafeInteger(offset) && offset >= 0) {
      out.set(p.partition, offset);
    }
  }
  return out;
}

/**
 * The first offset at or after `timestamp` on each partition (ListOffsets by timestamp). A partition with
 * no such record gets its log end, as kafkajs reports it.
 */
export async function timeOffsets(admin: Pick<Admin, 'fetchTopicOffsetsByTimestamp'>, topic: string, timestamp: number): Promise<Map<number, number>> {
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
  return new Map(found.map((f) => [f.partition, Number(f.offset)]));
}

/** A partition whose committed offset after the write is not the planned one. */
export interface Mismatch {
  partition: number;
  planned: number;
  /** What the broker holds now; null when it holds none. */
  committed: number | null;
}

export interface WriteResult {
  /** The committed offsets read back after the write, for the planned partitions. */
  committed: Map<number, number | null>;
  /** Planned partitions whose offset differs: the write did not do what was planned. */
  mismatches: Mismatch[];
  /** Why the commit failed, when it did (the read-back then tells what the broker holds). */
  error?: unknown;
}

export interface WriteOptions {
  /** Bound on joining the group and committing; the read-back follows in any case. */
  timeoutMs?: number;
}

/**
 * Commits the planned offsets, then reads them back and compares. The commit is made as a short-lived
 * member of the group, as kafkajs's admin.setOffsets does: the group must have no member before (Kafka's
 * rule, and CKafka's console's), and no other member may join while it is written; either case throws
 * ActiveMembersError and commits nothing.
 */
export async function writePlan(kafka: Kafka, admin: Pick<Admin, 'describeGroups' | 'fetchOffsets'>, groupId: string, topic: string, plan: ResetPlan, options: WriteOptions = {}): Promise<WriteResult> {
  const before = await loadGroup(admin, groupId);
  if (before.members.length > 0) {
    throw new ActiveMembersError(groupId, before.members);
  }
  let error: unknown;
  try {
    await commitAsMember(kafka, admin, groupId, topic, plan, options.timeoutMs ?? 30_000);
  } catch (e) {
    if (e instanceof ActiveMembersError) {
      throw e;
    }
    error = e;
  }
  const after = await committedOffsets(admin, groupId, topic);
  const committed = new Map(plan.partitions.map((p) => [p.partition, after.get(p.partition) ?? null]));
  const mismatches = plan.partitions.filter((p) => committed.get(p.partition) !== p.next).map((p) => ({ partition: p.partition, planned: p.next, committed: committed.get(p.partition) ?? null }));
  return { committed, mismatches, ...(error === undefined ? {} : { error }) };
}

async function commitAsMember(kafka: Kafka, admin: Pick<Admin, 'describeGroups'>, groupId: string, topic: string, plan: ResetPlan, timeoutMs: number): Promise<void> {
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000, restartOnFailure: async () => false },
  });
  let memberId: string | undefined;
  let crash: unknown;
  consumer.on(consumer.events.GROUP_JOIN, (event) => (memberId = event.payload.memberId));
  consumer.on(consumer.events.CRASH, (event) => (crash = event.payload.error));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`joining consumer group "${groupId}" to commit took longer than ${timeoutMs} ms`)), timeoutMs)));
  try {
    await Promise.race([
      (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic });
        // Resolves once the member joined (or crashed); it reads nothing and commits only below.
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
        consumer.pause([{ topic }]);
        if (memberId === undefined) {
          throw crash ?? new Error(`could not join consumer group "${groupId}"`);
        }
        const group = await loadGroup(admin, groupId);
        const others = group.members.filter((m) => m.memberId !== memberId);
        if (others.length > 0) {
          throw new ActiveMembersError(groupId, others);
        }
        await consumer.commitOffsets(plan.partitions.map((p) => ({ topic, partition: p.partition, offset: String(p.next) })));
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

import type { Admin } from 'kafkajs';
import { startOffsets } from './consume';
import { GroupMember, loadGroup } from './metadata';
import type { StartPosition } from './position';

/** Group states in which no member holds a partition. */
const INACTIVE = new Set(['Empty', 'Dead']);

/** One partition of a move: the group's committed offset (null: none) and the offset the move commits. */
export interface PartitionMove {
  partition: number;
  committed: number | null;
  target: number;
}

/** What starting a named group at an offset or a time would do to it. */
export interface GroupMove {
  groupId: string;
  topic: string;
  /** The group's state, as DescribeGroups reports it (Stable, Empty, Dead…). */
  state: string;
  /** The members consuming in the group now; while there is one, the group must not be moved. */
  activeMembers: GroupMember[];
  /** Every partition the consumer would start on, sorted. */
  partitions: PartitionMove[];
}

/**
 * Whether starting a named group at this position commits a new position for it: an offset or a time does;
 * earliest and latest only apply where the group has no committed offset.
 */
export function movesGroup(from: StartPosition): boolean {
  return from.kind === 'offset' || from.kind === 'timestamp';
}

/**
 * Describes the group (DescribeGroups) and reads its committed offsets on the topic (OffsetFetch) against
 * the offsets the start position resolves to (ListOffsets), without changing anything. The targets are
 * the ones the consumer then seeks to (pass them as its `startAt`), so what the user confirmed is what
 * gets committed.
 */
export async function planGroupMove(admin: Admin, groupId: string, topic: string, from: StartPosition): Promise<GroupMove> {
  const group = await loadGroup(admin, groupId);
  const activeMembers = INACTIVE.has(group.state) ? [] : group.members;
  const targets = await startOffsets(admin, topic, from);
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  const partitions = [...targets]
    .filter(([partition]) => from.kind !== 'offset' || from.partition === undefined || partition === from.partition)
    .map(([partition, target]) => {
      const offset = Number(committed.find((c) => c.partition === partition)?.offset ?? -1);
      return { partition, committed: Number.isFinite(offset) && offset >= 0 ? offset : null, target };
    })
    .sort((a, b) => a.partition - b.partition);
  return { groupId, topic, state: group.state, activeMembers, partitions };
}

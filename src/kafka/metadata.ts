import type { Admin } from 'kafkajs';
import { kafkajs } from './lib';
import { compileTopicFilter } from './topicFilter';

/**
 * What the explorer shows, read from a cluster with a kafkajs Admin. Plain Node: no VS Code here, so
 * the loaders can be tested against fakes and reused by other views.
 */

export interface PartitionInfo {
  id: number;
  /** Broker id of the partition's leader; -1 when it has none. */
  leader: number;
}

export interface TopicInfo {
  name: string;
  /** Sorted by id. */
  partitions: PartitionInfo[];
  /** Kafka's internal topics, such as `__consumer_offsets`, start with two underscores. */
  internal: boolean;
}

export interface PartitionOffsets {
  partition: number;
  leader?: number;
  /** Offset of the oldest record still kept (the log start offset). */
  earliest: number;
  /** Offset the next record will get (the high watermark). */
  latest: number;
  /** Records kept in the partition: latest − earliest. */
  count: number;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** The partitions the member was assigned, by topic (sorted); empty while the group rebalances. */
  assignment: TopicPartitions[];
}

export interface TopicPartitions {
  topic: string;
  /** Sorted. */
  partitions: number[];
}

export interface GroupInfo {
  groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead… */
  state: string;
  members: GroupMember[];
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset, or null when the group never committed on this partition. */
  committed: number | null;
  /** The partition's end offset (high watermark); null when the topic no longer exists. */
  end: number | null;
  /** Records the group has still to read; see {@link lagOf}. Null when the end is unknown. */
  lag: number | null;
}

export interface GroupLag {
  groupId: string;
  /** Sorted by topic, then partition. */
  partitions: GroupPartitionLag[];
  /** Sum of the known lags. */
  total: number;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  controller: boolean;
}

/** The admin calls the loaders use; a kafkajs Admin, or a fake in tests. */
export type ExplorerAdmin = Pick<Admin, 'fetchTopicMetadata' | 'fetchTopicOffsets' | 'listGroups' | 'describeGroups' | 'fetchOffsets' | 'describeCluster'>;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every topic the user may describe, with its partitions, in one Metadata request. Sorted by name. */
export async function loadTopics(admin: Pick<Admin, 'fetchTopicMetadata'>): Promise<TopicInfo[]> {
  // No topic list: kafkajs sends a null list, which the broker answers with every topic.
  const { topics } = await admin.fetchTopicMetadata();
  return topics
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ id: p.partitionId, leader: p.leader })).sort((a, b) => a.id - b.id),
      internal: t.name.startsWith('__'),
    }))
    .sort((a, b) => byName(a.name, b.name));
}

/** Kafka offsets are int64 strings; everything the explorer shows fits in a double. */
function offset(text: string | number): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : -1;
}

/**
 * Earliest and latest offsets of each partition of a topic (two ListOffsets requests per leader).
 * `partitions`, when given (from {@link loadTopics}), supplies the leaders.
 */
export async function loadPartitionOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string, partitions?: readonly PartitionInfo[]): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((o) => {
      const earliest = offset(o.low);
      const latest = offset(o.high);
      const leader = partitions?.find((p) => p.id === o.partition)?.leader;
      return { partition: o.partition, ...(leader === undefined ? {} : { leader }), earliest, latest, count: Math.max(0, latest - earliest) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Every consumer group, described with one DescribeGroups request per coordinator. Sorted by id. */
export async function loadGroups(admin: Pick<Admin, 'listGroups' | 'describeGroups'>): Promise<GroupInfo[]> {
  const { groups: listed } = await admin.listGroups();
  return describeGroups(admin, [...new Set(listed.map((g) => g.groupId))]);
}

/** One group's state and members; a group that does not exist comes back as `Dead` with no members. */
export async function loadGroup(admin: Pick<Admin, 'describeGroups'>, groupId: string): Promise<GroupInfo> {
  const [group] = await describeGroups(admin, [groupId]);
  return group;
}

async function describeGroups(admin: Pick<Admin, 'describeGroups'>, ids: string[]): Promise<GroupInfo[]> {
  if (ids.length === 0) {
    return [];
  }
  const { groups } = await admin.describeGroups(ids);
  const described = new Map(groups.map((g) => [g.groupId, g]));
  return ids
    .map((groupId) => {
      const g = described.get(groupId);
      return {
        groupId,
        state: g?.state ?? 'Unknown',
        members: (g?.members ?? [])
          .map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment: g?.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [] }))
          .sort((a, b) => byName(a.clientId, b.clientId) || byName(a.memberId, b.memberId)),
      };
    })
    .sort((a, b) => byName(a.groupId, b.groupId));
}

/**
 * A consumer group member's assignment (Kafka's ConsumerProtocolAssignment, as every Kafka client writes
 * it); empty when there is none yet or it cannot be read.
 */
export function decodeAssignment(bytes: Buffer | null | undefined): TopicPartitions[] {
  if (!bytes || bytes.length === 0) {
    return [];
  }
  try {
    const decoded = kafkajs().AssignerProtocol.MemberAssignment.decode(bytes);
    return Object.entries(decoded?.assignment ?? {})
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => byName(a.topic, b.topic));
  } catch {
    return [];
  }
}

/**
 * A group's lag on one partition:
 * - with a committed offset, the records after it that are still kept: `end − max(committed, earliest)`
 *   (a commit older than the retention window cannot be read from anyway), and never below 0;
 * - without one (never committed, or committed as -1), everything kept, `end − earliest`: where a
 *   consumer starting from the beginning would stand. (Kafka's own tool shows "-" there; a number
 *   keeps the total meaningful, and the committed column says "none".)
 */
export function lagOf(committed: number | null, earliest: number, end: number): number {
  const from = committed === null || committed < 0 ? earliest : Math.max(committed, earliest);
  return Math.max(0, end - from);
}

/** Shares end-offset lookups between groups reading the same topics, within one refresh. */
export type EndOffsetsCache = Map<string, Promise<PartitionOffsets[] | null>>;

/** A topic's offsets, or null when it no longer exists (a group may hold commits for a deleted topic). */
function topicOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string, cache: EndOffsetsCache): Promise<PartitionOffsets[] | null> {
  let found = cache.get(topic);
  if (!found) {
    found = loadPartitionOffsets(admin, topic).catch((error: unknown) => {
      if (isUnknownTopic(error)) {
        return null;
      }
      throw error;
    });
    cache.set(topic, found);
  }
  return found;
}

function isUnknownTopic(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 6) {
    return false;
  }
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  return (
    e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].some((inner) => isUnknownTopic(inner, depth + 1))
  );
}

/**
 * The group's committed offsets (one OffsetFetch for every topic it committed to) against the end
 * offsets of those topics and of `alsoTopics`. Partitions of those topics the group never committed on are listed too,
 * with `committed: null` (see {@link lagOf}).
 */
export async function loadGroupLag(
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
  groupId: string,
  cache: EndOffsetsCache = new Map(),
  /** Topics to list even without a commit, such as those the group's members are assigned. */
  alsoTopics: readonly string[] = [],
): Promise<GroupLag> {
  const committed = await admin.fetchOffsets({ groupId });
  const seen = new Set(committed.map((c) => c.topic));
  const all = [...committed, ...[...new Set(alsoTopics)].filter((t) => !seen.has(t)).map((topic) => ({ topic, partitions: [] as { partition: number; offset: string }[] }))];
  const perTopic = await Promise.all(
    all.map(async ({ topic, partitions }) => {
      const ends = await topicOffsets(admin, topic, cache);
      const byPartition = new Map(partitions.map((p) => [p.partition, offset(p.offset)]));
      const ids = new Set([...byPartition.keys(), ...(ends ?? []).map((e) => e.partition)]);
      return [...ids].map((partition): GroupPartitionLag => {
        const c = byPartition.get(partition);
        const commit = c === undefined || c < 0 ? null : c;
        const end = ends?.find((e) => e.partition === partition);
        return {
          topic,
          partition,
          committed: commit,
          end: end ? end.latest : null,
          lag: end ? lagOf(commit, end.earliest, end.latest) : null,
        };
      });
    }),
  );
  const partitions = perTopic.flat().sort((a, b) => byName(a.topic, b.topic) || a.partition - b.partition);
  return { groupId, partitions, total: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0) };
}

/** The brokers of the cluster, sorted by id, the controller marked. */
export async function loadBrokers(admin: Pick<Admin, 'describeCluster'>): Promise<BrokerInfo[]> {
  const { brokers, controller } = await admin.describeCluster();
  return brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, controller: b.nodeId === controller })).sort((a, b) => a.nodeId - b.nodeId);
}

/**
 * Whether a topic name matches a glob filter: `*` matches any run of characters, `?` any one
 * character, commas separate alternatives. An empty filter, or `*`, matches everything. Case-sensitive,
 * like Kafka's topic names. Linear in the name's length; see {@link compileTopicFilter}.
 */
export function matchesTopicFilter(name: string, filter: string | undefined): boolean {
  return compileTopicFilter(filter)(name);
}

/** The topics the explorer shows under the `ckafka.explorer.*` settings. */
export function filterTopics<T extends { name: string; internal: boolean }>(topics: readonly T[], filter: string | undefined, showInternal: boolean): T[] {
  const matches = compileTopicFilter(filter);
  return topics.filter((t) => (showInternal || !t.internal) && matches(t.name));
}

/** Why a topic name is refused, or undefined when Kafka accepts it. */
export type TopicNameProblem = 'empty' | 'tooLong' | 'badCharacters' | 'dots';

/** Kafka's rule: 1 to 249 characters of ASCII letters, digits, `.`, `_` and `-`, and not `.` or `..`. */
export function topicNameProblem(name: string): TopicNameProblem | undefined {
  if (name.length === 0) {
    return 'empty';
  }
  if (name.length > 249) {
    return 'tooLong';
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return 'badCharacters';
  }
  if (name === '.' || name === '..') {
    return 'dots';
  }
  return undefined;
}

/** A whole number ≥ `min` typed as decimal digits (spaces around allowed), or undefined. */
export function parseCount(text: string, min = 1, max = 1_000_000): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,7}$/.test(trimmed)) {
    return undefined;
  }
  const n = Number(trimmed);
  return n >= min && n <= max ? n : undefined;
}

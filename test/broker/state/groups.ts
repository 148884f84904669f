import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode } from '../protocol/errors';
import type { Cluster } from './cluster';

/** A group's state, named as Kafka's DescribeGroups reports it. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Who sent a group request, and to which broker. */
export interface GroupCaller {
  /** The SASL user, or null. */
  readonly user: string | null;
  /** The broker the request arrived at. */
  readonly nodeId: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** An error code a test wants answered instead of doing the operation. */
  readonly injected?: number;
}

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /** Empty for a new member. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
}

export interface JoinResult {
  error: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** Sent by the leader only. */
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

export interface SyncResult {
  error: number;
  assignment: Buffer;
}

export interface MemberRef {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveResult {
  error: number;
  members: { memberId: string; groupInstanceId: string | null; error: number }[];
}

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** -1 with an empty member id is a simple (admin) commit. */
  readonly generationId: number;
  readonly memberId: string;
  readonly topics: readonly {
    name: string;
    partitions: readonly { partition: number; offset: number; leaderEpoch: number; metadata: string | null }[];
  }[];
}

export interface TopicPartitionErrors {
  name: string;
  partitions: { partition: number; error: number }[];
}

export interface OffsetFetchResult {
  /** The group-level error (carried at the top level from OffsetFetch v2). */
  error: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; leaderEpoch: number; metadata: string; error: number }[];
  }[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
}

export interface GroupDescription {
  groupId: string;
  error: number;
  state: GroupState | '';
  protocolType: string;
  protocol: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

interface Member {
  readonly id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly GroupProtocol[];
  assignment: Buffer;
  /** When the coordinator last heard from the member (join, sync, heartbeat or commit). */
  lastSeen: number;
  /** Answers the member's JoinGroup while it waits for the rebalance to complete. */
  pendingJoin?: (result: JoinResult) => void;
  /** Answers the member's SyncGroup while it waits for the leader's assignments. */
  pendingSync?: (result: SyncResult) => void;
}

interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
}

interface Group {
  readonly id: string;
  state: GroupState;
  generationId: number;
  protocolType: string;
  protocol: string | null;
  leaderId: string | null;
  /** In join order; the first is the leader unless the previous leader is still present. */
  readonly members: Map<string, Member>;
  /** topic → partition → committed offset. */
  readonly offsets: Map<string, Map<number, CommittedOffset>>;
  /** When the current PreparingRebalance began. */
  rebalanceStartedAt: number;
  /** Set while a fresh group's first rebalance waits for more members to join. */
  initialDelay: NodeJS.Timeout | undefined;
}

/** What `save` writes to `offsets.json`. */
interface SavedOffsets {
  groups: {
    id: string;
    protocolType: string;
    offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string }[];
  }[];
}

/** How often session timeouts and rebalance timeouts are checked. */
const TICK_MS = 100;
const NO_BYTES = Buffer.alloc(0);
const OFFSETS_FILE = 'offsets.json';

/** The cluster's consumer-group coordinator: membership, rebalances and committed offsets. */
export class Groups {
  private readonly groups = new Map<string, Group>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly cluster: Cluster) {}

  // ---- JoinGroup / SyncGroup / Heartbeat / LeaveGroup ----

  /** Adds or re-admits a member; resolves when the rebalance completes (or the member is removed). */
  join(caller: GroupCaller, req: JoinRequest): Promise<JoinResult> {
    const fail = (error: number): Promise<JoinResult> => Promise.resolve(joinError(error, req.memberId));
    const gate = this.gate(caller, req.groupId);
    if (gate !== ErrorCode.NONE) {
      return fail(gate);
    }
    if (req.groupId === '') {
      return fail(ErrorCode.INVALID_GROUP_ID);
    }
    if (req.sessionTimeoutMs <= 0) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const existing = this.groups.get(req.groupId);
    if (req.memberId !== '' && !existing?.members.has(req.memberId)) {
      return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    if (req.protocolType === '' || req.protocols.length === 0) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const group = existing ?? this.create(req.groupId);
    if (!acceptsProtocols(group, req)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    this.ensureTicker();

    let member = group.members.get(req.memberId);
    if (!member) {
      member = {
        id: `${caller.clientId}-${randomUUID()}`,
        groupInstanceId: req.groupInstanceId,
        clientId: caller.clientId,
        clientHost: caller.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocols: [],
        assignment: NO_BYTES,
        lastSeen: Date.now(),
      };
      group.members.set(member.id, member);
      this.cluster.log(`group ${group.id}: member ${member.id} joined`);
    }
    member.groupInstanceId = req.groupInstanceId;
    member.clientId = caller.clientId;
    member.clientHost = caller.clientHost;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
    member.lastSeen = Date.now();
    group.protocolType = req.protocolType;

    // A second JoinGroup from the same member replaces the first, which is told to retry.
    answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.id));
    const joining = member;
    const result = new Promise<JoinResult>((resolve) => {
      joining.pendingJoin = resolve;
    });
    if (group.state !== 'PreparingRebalance') {
      this.prepareRebalance(group, `member ${member.id} joined`);
    }
    this.tryCompleteJoin(group);
    return result;
  }

  /** Followers wait for the leader's SyncGroup; everyone then gets their assignment. */
  sync(caller: GroupCaller, req: SyncRequest): Promise<SyncResult> {
    const fail = (error: number): Promise<SyncResult> => Promise.resolve({ error, assignment: NO_BYTES });
    const gate = this.gate(caller, req.groupId);
    if (gate !== ErrorCode.NONE) {
      return fail(gate);
    }
    if (req.groupId === '') {
      return fail(ErrorCode.INVALID_GROUP_ID);
    }
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) {
      return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    if (req.generationId !== group.generationId) {
      return fail(ErrorCode.ILLEGAL_GENERATION);
    }
    if (group.state === 'PreparingRebalance') {
      return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    this.touch(member);
    if (group.state === 'Stable') {
      return Promise.resolve({ error: ErrorCode.NONE, assignment: member.assignment });
    }

    // CompletingRebalance: wait for the leader.
    answerSync(member, { error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: NO_BYTES });
    const result = new Promise<SyncResult>((resolve) => {
      member.pendingSync = resolve;
    });
    if (member.id === group.leaderId) {
      const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      const now = Date.now();
      group.state = 'Stable';
      for (const m of group.members.values()) {
        const assignment = byMember.get(m.id);
        m.assignment = assignment ? Buffer.from(assignment) : NO_BYTES;
        m.lastSeen = now;
        answerSync(m, { error: ErrorCode.NONE, assignment: m.assignment });
      }
      this.cluster.log(`group ${group.id}: generation ${group.generationId} is stable with ${group.members.size} member(s)`);
    }
    return result;
  }

  /** Keeps a member's session alive and tells it whether a rebalance is under way. */
  heartbeat(caller: GroupCaller, req: { groupId: string; generationId: number; memberId: string }): number {
    const gate = this.gate(caller, req.groupId);
    if (gate !== ErrorCode.NONE) {
      return gate;
    }
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (req.generationId !== group.generationId) {
      return ErrorCode.ILLEGAL_GENERATION;
    }
    this.touch(member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes members (by member id, or by group instance id when the member id is empty). */
  leave(caller: GroupCaller, groupId: string, refs: readonly MemberRef[]): LeaveResult {
    const gate = this.gate(caller, groupId);
    if (gate !== ErrorCode.NONE) {
      return { error: gate, members: [] };
    }
    const group = this.groups.get(groupId);
    const leaving: Member[] = [];
    const members = refs.map((ref) => {
      const member = group ? findMember(group, ref) : undefined;
      if (member && !leaving.includes(member)) {
        leaving.push(member);
      }
      return { memberId: ref.memberId, groupInstanceId: ref.groupInstanceId, error: member ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID };
    });
    if (group && leaving.length > 0) {
      this.removeMembers(group, leaving, 'left the group');
    }
    return { error: ErrorCode.NONE, members };
  }

  // ---- Offsets ----

  /** Stores committed offsets; answers one error per partition. */
  commitOffsets(caller: GroupCaller, req: OffsetCommitRequest): TopicPartitionErrors[] {
    let groupError = this.gate(caller, req.groupId);
    let group = this.groups.get(req.groupId);
    if (groupError === ErrorCode.NONE) {
      if (req.generationId < 0 && req.memberId === '') {
        group ??= this.create(req.groupId);
      } else {
        const member = group?.members.get(req.memberId);
        if (!group || !member) {
          groupError = ErrorCode.UNKNOWN_MEMBER_ID;
        } else if (req.generationId !== group.generationId) {
          groupError = ErrorCode.ILLEGAL_GENERATION;
        } else if (group.state === 'PreparingRebalance') {
          groupError = ErrorCode.REBALANCE_IN_PROGRESS;
        } else {
          this.touch(member);
        }
      }
    }
    return req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (groupError !== ErrorCode.NONE || !group) {
          return { partition: p.partition, error: groupError };
        }
        const error = this.partitionError(caller, t.name, p.partition);
        if (error === ErrorCode.NONE) {
          offsetsOf(group, t.name).set(p.partition, { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata ?? '' });
          this.cluster.markDirty();
        }
        return { partition: p.partition, error };
      }),
    }));
  }

  /** Committed offsets of the requested partitions, or of every committed partition when `topics` is null. */
  fetchOffsets(caller: GroupCaller, groupId: string, topics: readonly { name: string; partitions: readonly number[] }[] | null): OffsetFetchResult {
    const error = this.gate(caller, groupId);
    const group = this.groups.get(groupId);
    if (error !== ErrorCode.NONE) {
      return {
        error,
        topics: (topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitions.map((partition) => ({ partition, offset: -1, leaderEpoch: -1, metadata: '', error })),
        })),
      };
    }
    const wanted =
      topics ??
      [...(group?.offsets ?? new Map<string, Map<number, CommittedOffset>>())]
        .filter(([name]) => this.cluster.auth.canRead(caller.user, name))
        .map(([name, byPartition]) => ({ name, partitions: [...byPartition.keys()].sort((a, b) => a - b) }));
    return {
      error: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => {
          if (!this.cluster.auth.canRead(caller.user, t.name)) {
            return { partition, offset: -1, leaderEpoch: -1, metadata: '', error: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
          }
          const c = group?.offsets.get(t.name)?.get(partition);
          return { partition, offset: c?.offset ?? -1, leaderEpoch: -1, metadata: c?.metadata ?? '', error: ErrorCode.NONE };
        }),
      })),
    };
  }

  // ---- ListGroups / DescribeGroups / DeleteGroups ----

  /** Every live group the caller may see. A broker other than the coordinator has none to list. */
  listGroups(caller: GroupCaller): { error: number; groups: GroupListing[] } {
    if (caller.injected !== undefined) {
      return { error: caller.injected, groups: [] };
    }
    if (caller.nodeId !== this.cluster.coordinatorId()) {
      return { error: ErrorCode.NONE, groups: [] };
    }
    const groups = [...this.groups.values()]
      .filter((g) => g.state !== 'Dead' && this.cluster.auth.canUseGroup(caller.user, g.id))
      .map((g) => ({ groupId: g.id, protocolType: g.protocolType }));
    return { error: ErrorCode.NONE, groups };
  }

  /** One description per group; an unknown group is described as Dead, without error. */
  describeGroups(caller: GroupCaller, groupIds: readonly string[]): GroupDescription[] {
    return groupIds.map((groupId) => {
      const error = this.gate(caller, groupId);
      if (error !== ErrorCode.NONE) {
        return { groupId, error, state: '', protocolType: '', protocol: '', members: [] };
      }
      const group = this.groups.get(groupId);
      if (!group) {
        return { groupId, error, state: 'Dead', protocolType: '', protocol: '', members: [] };
      }
      // As Kafka does, metadata and assignments are shown only once the group is stable.
      const stable = group.state === 'Stable' && group.protocol !== null;
      const protocol = stable ? (group.protocol ?? '') : '';
      return {
        groupId,
        error,
        state: group.state,
        protocolType: group.protocolType,
        protocol,
        members: [...group.members.values()].map((m) => ({
          memberId: m.id,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? metadataFor(m, protocol) : NO_BYTES,
          assignment: stable ? m.assignment : NO_BYTES,
        })),
      };
    });
  }

  /** Deletes groups that have no members, with their committed offsets. */
  deleteGroups(caller: GroupCaller, groupIds: readonly string[]): { groupId: string; error: number }[] {
    return groupIds.map((groupId) => {
      const gate = this.gate(caller, groupId);
      if (gate !== ErrorCode.NONE) {
        return { groupId, error: gate };
      }
      const group = this.groups.get(groupId);
      if (!group) {
        return { groupId, error: ErrorCode.GROUP_ID_NOT_FOUND };
      }
      if (group.members.size > 0) {
        return { groupId, error: ErrorCode.NON_EMPTY_GROUP };
      }
      this.clearInitialDelay(group);
      group.state = 'Dead';
      this.groups.delete(groupId);
      this.cluster.markDirty();
      this.cluster.log(`group ${groupId}: deleted`);
      return { groupId, error: ErrorCode.NONE };
    });
  }

  // ---- For tests ----

  /** Ids of every live group. */
  listGroupIds(): string[] {
    return [...this.groups.values()].filter((g) => g.state !== 'Dead').map((g) => g.id);
  }

  memberCount(groupId: string): number {
    return this.groups.get(groupId)?.members.size ?? 0;
  }

  committed(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.offsets.get(topic)?.get(partition)?.offset;
  }

  // ---- Persistence and shutdown ----

  /** Writes every group's committed offsets to `dir/offsets.json` (membership is not kept). */
  save(dir: string): void {
    const data: SavedOffsets = {
      groups: [...this.groups.values()]
        .filter((g) => g.offsets.size > 0)
        .map((g) => ({
          id: g.id,
          protocolType: g.protocolType,
          offsets: [...g.offsets].flatMap(([topic, byPartition]) =>
            [...byPartition].map(([partition, c]) => ({ topic, partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata })),
          ),
        })),
    };
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, OFFSETS_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(data));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** Loads what `save` wrote, as Empty groups; does nothing when there is no file. */
  load(dir: string): void {
    const file = path.join(dir, OFFSETS_FILE);
    if (!fs.existsSync(file)) {
      return;
    }
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedOffsets;
    for (const saved of data.groups) {
      const group = this.groups.get(saved.id) ?? this.create(saved.id);
      if (group.members.size === 0) {
        group.protocolType = saved.protocolType;
      }
      for (const o of saved.offsets) {
        offsetsOf(group, o.topic).set(o.partition, { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata });
      }
    }
  }

  /**
   * Stops every timer. Group state is kept; the next group request restarts the checks, giving
   * every member a fresh session (as a coordinator that takes over a group does).
   */
  close(): void {
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    for (const group of this.groups.values()) {
      this.clearInitialDelay(group);
    }
  }

  // ---- Internals ----

  /** Injected error, then authorization, then coordinator: NONE when the operation may proceed. */
  private gate(caller: GroupCaller, groupId: string): number {
    if (caller.injected !== undefined) {
      return caller.injected;
    }
    if (!this.cluster.auth.canUseGroup(caller.user, groupId)) {
      return ErrorCode.GROUP_AUTHORIZATION_FAILED;
    }
    if (caller.nodeId !== this.cluster.coordinatorId()) {
      return ErrorCode.NOT_COORDINATOR;
    }
    return ErrorCode.NONE;
  }

  private partitionError(caller: GroupCaller, topic: string, partition: number): number {
    if (!this.cluster.auth.canRead(caller.user, topic)) {
      return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    }
    const t = this.cluster.topics.get(topic);
    if (!t || partition < 0 || partition >= t.partitions.length) {
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    return ErrorCode.NONE;
  }

  private create(id: string): Group {
    const group: Group = {
      id,
      state: 'Empty',
      generationId: 0,
      protocolType: '',
      protocol: null,
      leaderId: null,
      members: new Map(),
      offsets: new Map(),
      rebalanceStartedAt: 0,
      initialDelay: undefined,
    };
    this.groups.set(id, group);
    return group;
  }

  private touch(member: Member): void {
    member.lastSeen = Date.now();
    this.ensureTicker();
  }

  /** Moves the group to PreparingRebalance; a fresh group first waits `groupInitialRebalanceDelayMs`. */
  private prepareRebalance(group: Group, reason: string): void {
    const wasEmpty = group.state === 'Empty';
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = NO_BYTES;
        answerSync(m, { error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: NO_BYTES });
      }
    }
    group.state = 'PreparingRebalance';
    group.rebalanceStartedAt = Date.now();
    this.cluster.log(`group ${group.id}: preparing rebalance (${reason})`);
    if (wasEmpty) {
      this.clearInitialDelay(group);
      const timer = setTimeout(() => {
        group.initialDelay = undefined;
        this.tryCompleteJoin(group);
      }, this.cluster.options.groupInitialRebalanceDelayMs);
      timer.unref();
      group.initialDelay = timer;
    }
  }

  /** Completes the rebalance once every known member has (re)joined. */
  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelay) {
      return;
    }
    for (const m of group.members.values()) {
      if (!m.pendingJoin) {
        return;
      }
    }
    this.completeJoin(group);
  }

  /** Starts a new generation with the members that rejoined and answers their JoinGroups. */
  private completeJoin(group: Group): void {
    const members = [...group.members.values()];
    if (members.length === 0) {
      this.becomeEmpty(group);
      return;
    }
    const leader = (group.leaderId !== null ? group.members.get(group.leaderId) : undefined) ?? members[0];
    const protocol = leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name;
    if (protocol === undefined) {
      for (const m of members) {
        answerJoin(m, joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, m.id));
      }
      group.members.clear();
      this.becomeEmpty(group);
      return;
    }
    group.generationId++;
    group.protocol = protocol;
    group.leaderId = leader.id;
    group.state = 'CompletingRebalance';
    const roster = members.map((m) => ({ memberId: m.id, groupInstanceId: m.groupInstanceId, metadata: metadataFor(m, protocol) }));
    const now = Date.now();
    for (const m of members) {
      m.lastSeen = now;
      answerJoin(m, {
        error: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: protocol,
        leaderId: leader.id,
        memberId: m.id,
        members: m === leader ? roster : [],
      });
    }
    this.cluster.log(`group ${group.id}: generation ${group.generationId} (${protocol}) with ${members.length} member(s), leader ${leader.id}`);
  }

  private becomeEmpty(group: Group): void {
    if (group.state !== 'Empty') {
      group.generationId++;
    }
    this.clearInitialDelay(group);
    group.state = 'Empty';
    group.protocol = null;
    group.leaderId = null;
  }

  /** Removes members (their pending requests get UNKNOWN_MEMBER_ID) and rebalances the rest. */
  private removeMembers(group: Group, members: readonly Member[], reason: string): void {
    this.dropMembers(group, members, reason);
    if (group.members.size === 0) {
      this.becomeEmpty(group);
    } else if (group.state === 'PreparingRebalance') {
      this.tryCompleteJoin(group);
    } else {
      this.prepareRebalance(group, `${members.length} member(s) ${reason}`);
    }
  }

  private dropMembers(group: Group, members: readonly Member[], reason: string): void {
    for (const m of members) {
      answerJoin(m, joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
      answerSync(m, { error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: NO_BYTES });
      group.members.delete(m.id);
      this.cluster.log(`group ${group.id}: member ${m.id} removed (${reason})`);
    }
  }

  private clearInitialDelay(group: Group): void {
    if (group.initialDelay) {
      clearTimeout(group.initialDelay);
      group.initialDelay = undefined;
    }
  }

  /** Starts the periodic check; after `close`, members get a fresh session. */
  private ensureTicker(): void {
    if (this.ticker) {
      return;
    }
    const now = Date.now();
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        m.lastSeen = now;
      }
      if (group.state === 'PreparingRebalance') {
        group.rebalanceStartedAt = now;
      }
    }
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** Expires silent members and ends rebalances that waited too long; stops when no group has members. */
  private tick(): void {
    const now = Date.now();
    let anyMembers = false;
    for (const group of [...this.groups.values()]) {
      const expired = [...group.members.values()].filter((m) => !m.pendingJoin && !m.pendingSync && now - m.lastSeen > m.sessionTimeoutMs);
      if (expired.length > 0) {
        this.removeMembers(group, expired, 'session timed out');
      }
      // Normally completed as the last member joins; this also catches a rebalance whose delay `close` cancelled.
      this.tryCompleteJoin(group);
      if (group.state === 'PreparingRebalance' && !group.initialDelay && now - group.rebalanceStartedAt >= rebalanceTimeout(group)) {
        const late = [...group.members.values()].filter((m) => !m.pendingJoin);
        this.dropMembers(group, late, 'did not rejoin within the rebalance timeout');
        this.completeJoin(group);
      }
      anyMembers ||= group.members.size > 0;
    }
    if (!anyMembers && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}

function joinError(error: number, memberId: string): JoinResult {
  return { error, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

function answerJoin(member: Member, result: JoinResult): void {
  const resolve = member.pendingJoin;
  member.pendingJoin = undefined;
  resolve?.(result);
}

function answerSync(member: Member, result: SyncResult): void {
  const resolve = member.pendingSync;
  member.pendingSync = undefined;
  resolve?.(result);
}

/** A non-empty group takes a joiner only with its protocol type and a protocol every other member supports. */
function acceptsProtocols(group: Group, req: JoinRequest): boolean {
  const others = [...group.members.values()].filter((m) => m.id !== req.memberId);
  if (others.length === 0) {
    return true;
  }
  if (req.protocolType !== group.protocolType) {
    return false;
  }
  return req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
}

function findMember(group: Group, ref: MemberRef): Member | undefined {
  if (ref.memberId !== '') {
    return group.members.get(ref.memberId);
  }
  if (ref.groupInstanceId === null) {
    return undefined;
  }
  return [...group.members.values()].find((m) => m.groupInstanceId === ref.groupInstanceId);
}

function metadataFor(member: Member, protocol: string): Buffer {
  return member.protocols.find((p) => p.name === protocol)?.metadata ?? NO_BYTES;
}

/** The longest rebalance timeout among the group's members. */
function rebalanceTimeout(group: Group): number {
  let max = 0;
  for (const m of group.members.values()) {
    max = Math.max(max, m.rebalanceTimeoutMs);
  }
  return max;
}

function offsetsOf(group: Group, topic: string): Map<number, CommittedOffset> {
  let byPartition = group.offsets.get(topic);
  if (!byPartition) {
    byPartition = new Map();
    group.offsets.set(topic, byPartition);
  }
  return byPartition;
}

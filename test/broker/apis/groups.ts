import { ERROR_NAMES, ErrorCode } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import type { BrokerNode } from '../state/cluster';
import type { GroupCaller, MemberRef } from '../state/groups';
import type { Api, RequestContext } from './api';

/** What DescribeGroups v3+ reports as authorized operations when the broker does not compute them. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const NO_BYTES = Buffer.alloc(0);

/** The request's sender as the group coordinator sees it. */
function callerOf(ctx: RequestContext): GroupCaller {
  return {
    user: ctx.conn.principal,
    nodeId: ctx.node.id,
    clientId: ctx.clientId ?? '',
    clientHost: hostOf(ctx.conn.remote),
    injected: ctx.injected,
  };
}

/** Kafka reports a member's host as `/address`, without the port. */
function hostOf(remote: string): string {
  const colon = remote.lastIndexOf(':');
  return `/${colon >= 0 ? remote.slice(0, colon) : remote}`;
}

/** A BYTES field: like nullable bytes, but null reads as empty. */
function bytes(r: Reader): Buffer {
  return r.nullableBytes() ?? NO_BYTES;
}

/** Starts a response body, with throttle_time_ms (always 0) first from `throttleFrom`. */
function response(version: number, throttleFrom: number): Writer {
  const w = new Writer();
  if (version >= throttleFrom) {
    w.int32(0);
  }
  return w;
}

/** FindCoordinator (10): where to send group requests. Transaction coordinators are not offered. */
const findCoordinator: Api = {
  key: 10,
  name: 'FindCoordinator',
  min: 0,
  max: 2,
  beforeAuth: false,
  handle(ctx) {
    const { cluster, version } = ctx;
    const key = ctx.body.string();
    const keyType = version >= 1 ? ctx.body.int8() : 0;
    let error: number = ctx.injected ?? ErrorCode.NONE;
    let node: BrokerNode | undefined;
    if (error === ErrorCode.NONE) {
      if (keyType === 1) {
        error = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      } else if (keyType !== 0) {
        error = ErrorCode.INVALID_REQUEST;
      } else if (!cluster.auth.canUseGroup(ctx.conn.principal, key)) {
        error = ErrorCode.GROUP_AUTHORIZATION_FAILED;
      } else {
        const id = cluster.coordinatorId();
        node = cluster.nodes.find((n) => n.id === id);
        if (!node) {
          error = ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
      }
    }
    const w = response(version, 1).int16(error);
    if (version >= 1) {
      w.nullableString(error === ErrorCode.NONE ? null : (ERROR_NAMES[error] ?? null));
    }
    return w
      .int32(node?.id ?? -1)
      .string(node?.host ?? '')
      .int32(node?.port ?? -1)
      .done();
  },
};

/** JoinGroup (11): answered when the group's rebalance completes. */
const joinGroup: Api = {
  key: 11,
  name: 'JoinGroup',
  min: 0,
  max: 5,
  async handle(ctx) {
    const { version } = ctx;
    const r = ctx.body;
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = version >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.list((p) => ({ name: p.string(), metadata: bytes(p) }));
    const result = await ctx.cluster.groups.join(callerOf(ctx), {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
    });
    return response(version, 2)
      .int16(result.error)
      .int32(result.generationId)
      .string(result.protocolName)
      .string(result.leaderId)
      .string(result.memberId)
      .array(result.members, (w, m) => {
        w.string(m.memberId);
        if (version >= 5) {
          w.nullableString(m.groupInstanceId);
        }
        w.bytes(m.metadata);
      })
      .done();
  },
};

/** Heartbeat (12). */
const heartbeat: Api = {
  key: 12,
  name: 'Heartbeat',
  min: 0,
  max: 3,
  handle(ctx) {
    const r = ctx.body;
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (ctx.version >= 3) {
      r.nullableString(); // group_instance_id
    }
    const error = ctx.cluster.groups.heartbeat(callerOf(ctx), { groupId, generationId, memberId });
    return response(ctx.version, 1).int16(error).done();
  },
};

/** LeaveGroup (13): one member up to v2, a list of members from v3. */
const leaveGroup: Api = {
  key: 13,
  name: 'LeaveGroup',
  min: 0,
  max: 3,
  handle(ctx) {
    const { version } = ctx;
    const r = ctx.body;
    const groupId = r.string();
    const refs: MemberRef[] = version >= 3 ? r.list((m) => ({ memberId: m.string(), groupInstanceId: m.nullableString() })) : [{ memberId: r.string(), groupInstanceId: null }];
    const result = ctx.cluster.groups.leave(callerOf(ctx), groupId, refs);
    const w = response(version, 1);
    if (version < 3) {
      // The single member's error is the response's error.
      return w.int16(result.error !== ErrorCode.NONE ? result.error : (result.members[0]?.error ?? ErrorCode.NONE)).done();
    }
    return w
      .int16(result.error)
      .array(result.members, (mw, m) => {
        mw.string(m.memberId).nullableString(m.groupInstanceId).int16(m.error);
      })
      .done();
  },
};

/** SyncGroup (14): answered once the leader has sent the assignments. */
const syncGroup: Api = {
  key: 14,
  name: 'SyncGroup',
  min: 0,
  max: 3,
  async handle(ctx) {
    const r = ctx.body;
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = ctx.version >= 3 ? r.nullableString() : null;
    const assignments = r.list((a) => ({ memberId: a.string(), assignment: bytes(a) }));
    const result = await ctx.cluster.groups.sync(callerOf(ctx), { groupId, generationId, memberId, groupInstanceId, assignments });
    return response(ctx.version, 1).int16(result.error).bytes(result.assignment).done();
  },
};

/** DescribeGroups (15). */
const describeGroups: Api = {
  key: 15,
  name: 'DescribeGroups',
  min: 0,
  max: 4,
  handle(ctx) {
    const { version } = ctx;
    const r = ctx.body;
    const groupIds = r.list((g) => g.string());
    if (version >= 3) {
      r.bool(); // include_authorized_operations: never computed
    }
    const groups = ctx.cluster.groups.describeGroups(callerOf(ctx), groupIds);
    return response(version, 1)
      .array(groups, (w, g) => {
        w.int16(g.error).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocol);
        w.array(g.members, (mw, m) => {
          mw.string(m.memberId);
          if (version >= 4) {
            mw.nullableString(m.groupInstanceId);
          }
          mw.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
        });
        if (version >= 3) {
          w.int32(AUTHORIZED_OPERATIONS_OMITTED);
        }
      })
      .done();
  },
};

/** ListGroups (16). */
const listGroups: Api = {
  key: 16,
  name: 'ListGroups',
  min: 0,
  max: 2,
  handle(ctx) {
    const result = ctx.cluster.groups.listGroups(callerOf(ctx));
    return response(ctx.version, 1)
      .int16(result.error)
      .array(result.groups, (w, g) => {
        w.string(g.groupId).string(g.protocolType);
      })
      .done();
  },
};

/** OffsetCommit (8), v2–v7. */
const offsetCommit: Api = {
  key: 8,
  name: 'OffsetCommit',
  min: 2,
  max: 7,
  handle(ctx) {
    const { version } = ctx;
    const r = ctx.body;
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (version >= 7) {
      r.nullableString(); // group_instance_id
    }
    if (version <= 4) {
      r.int64(); // retention_time_ms: offsets are kept for ever
    }
    const topics = r.list((t) => ({
      name: t.string(),
      partitions: t.list((p) => ({
        partition: p.int32(),
        offset: p.int64n(),
        leaderEpoch: version >= 6 ? p.int32() : -1,
        metadata: p.nullableString(),
      })),
    }));
    const results = ctx.cluster.groups.commitOffsets(callerOf(ctx), { groupId, generationId, memberId, topics });
    return response(version, 3)
      .array(results, (w, t) => {
        w.string(t.name).array(t.partitions, (pw, p) => {
          pw.int32(p.partition).int16(p.error);
        });
      })
      .done();
  },
};

/** OffsetFetch (9), v1–v5. */
const offsetFetch: Api = {
  key: 9,
  name: 'OffsetFetch',
  min: 1,
  max: 5,
  handle(ctx) {
    const { version } = ctx;
    const r = ctx.body;
    const groupId = r.string();
    const topics = r.array((t) => ({ name: t.string(), partitions: t.list((p) => p.int32()) }));
    const result = ctx.cluster.groups.fetchOffsets(callerOf(ctx), groupId, topics);
    const w = response(version, 3).array(result.topics, (tw, t) => {
      tw.string(t.name).array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset);
        if (version >= 5) {
          pw.int32(p.leaderEpoch);
        }
        pw.nullableString(p.metadata).int16(p.error);
      });
    });
    if (version >= 2) {
      w.int16(result.error);
    }
    return w.done();
  },
};

/** DeleteGroups (42). */
const deleteGroups: Api = {
  key: 42,
  name: 'DeleteGroups',
  min: 0,
  max: 1,
  handle(ctx) {
    const groupIds = ctx.body.list((g) => g.string());
    const results = ctx.cluster.groups.deleteGroups(callerOf(ctx), groupIds);
    return response(ctx.version, 0)
      .array(results, (w, g) => {
        w.string(g.groupId).int16(g.error);
      })
      .done();
  },
};

/** The consumer-group APIs, served by the cluster's group coordinator. */
export const groupApis: Api[] = [findCoordinator, joinGroup, heartbeat, leaveGroup, syncGroup, describeGroups, listGroups, offsetCommit, offsetFetch, deleteGroups];

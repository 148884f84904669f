import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { Api, RequestContext } from './api';

const LATEST = -1;
const EARLIEST = -2;

function lookup(ctx: RequestContext, topic: string, index: number, timestamp: number): { error: number; offset: number; timestamp: number } {
  const { cluster, conn, node } = ctx;
  const fail = (error: number) => ({ error, offset: -1, timestamp: -1 });
  if (ctx.injected !== undefined) {
    return fail(ctx.injected);
  }
  if (!cluster.auth.canDescribe(conn.principal, topic)) {
    return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  }
  const log = cluster.topics.get(topic)?.partitions[index];
  if (!log) {
    return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (cluster.leaderOf(topic, index) !== node.id) {
    return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }
  if (timestamp === LATEST) {
    return { error: ErrorCode.NONE, offset: log.nextOffset, timestamp: -1 };
  }
  if (timestamp === EARLIEST) {
    return { error: ErrorCode.NONE, offset: log.logStartOffset, timestamp: -1 };
  }
  const hit = log.offsetForTimestamp(timestamp);
  return hit ? { error: ErrorCode.NONE, ...hit } : { error: ErrorCode.NONE, offset: -1, timestamp: -1 };
}

export const listOffsets: Api = {
  key: 2,
  name: 'ListOffsets',
  min: 1,
  max: 5,
  handle: (ctx) => {
    const { body, version } = ctx;
    body.int32(); // replica_id
    if (version >= 2) {
      body.int8(); // isolation_level
    }
    const topics = body.list((r) => ({
      name: r.string(),
      partitions: r.list((r) => {
        const index = r.int32();
        if (version >= 4) {
          r.int32(); // current_leader_epoch
        }
        return { index, timestamp: r.int64n() };
      }),
    }));
    const w = new Writer();
    if (version >= 2) {
      w.int32(0);
    }
    w.array(topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        const found = lookup(ctx, t.name, p.index, p.timestamp);
        w.int32(p.index).int16(found.error).int64(found.timestamp).int64(found.offset);
        if (version >= 4) {
          w.int32(ctx.cluster.leaderEpoch);
        }
      });
    });
    return w.done();
  },
};

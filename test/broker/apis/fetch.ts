import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { PartitionLog } from '../state/partition';
import { Api, RequestContext } from './api';

interface PartitionFetch {
  index: number;
  offset: number;
  maxBytes: number;
}

interface PartitionAnswer {
  index: number;
  error: number;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
}

function resolve(ctx: RequestContext, topic: string, p: PartitionFetch): { error: number; log?: PartitionLog } {
  const { cluster, conn, node } = ctx;
  if (ctx.injected !== undefined) {
    return { error: ctx.injected };
  }
  if (!cluster.auth.canRead(conn.principal, topic)) {
    return { error: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
  }
  const log = cluster.topics.get(topic)?.partitions[p.index];
  if (!log) {
    return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }
  if (cluster.leaderOf(topic, p.index) !== node.id) {
    return { error: ErrorCode.NOT_LEADER_OR_FOLLOWER };
  }
  if (p.offset < log.logStartOffset || p.offset > log.nextOffset) {
    return { error: ErrorCode.OFFSET_OUT_OF_RANGE, log };
  }
  return { error: ErrorCode.NONE, log };
}

/** Reads every requested partition once, honouring partition and response byte limits. */
function collect(ctx: RequestContext, topics: { name: string; partitions: PartitionFetch[] }[], maxBytes: number) {
  let total = 0;
  const answers = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionAnswer => {
      const { error, log } = resolve(ctx, t.name, p);
      const batches = error === ErrorCode.NONE && log ? log.read(p.offset, Math.min(p.maxBytes, Math.max(0, maxBytes - total)), total === 0) : [];
      total += batches.reduce((n, b) => n + b.length, 0);
      return { index: p.index, error, highWatermark: log ? log.nextOffset : -1, logStartOffset: log ? log.logStartOffset : -1, batches };
    }),
  }));
  return { answers, total };
}

/** Resolves after the next append to any of the logs, or after `ms`. */
function nextAppend(logs: PartitionLog[], ms: number): Promise<void> {
  return new Promise((done) => {
    const cancels: (() => void)[] = [];
    const finish = () => {
      clearTimeout(timer);
      cancels.forEach((c) => c());
      done();
    };
    const timer = setTimeout(finish, ms);
    for (const log of logs) {
      cancels.push(log.onAppend(finish));
    }
  });
}

export const fetch: Api = {
  key: 1,
  name: 'Fetch',
  min: 4,
  max: 11,
  handle: async (ctx) => {
    const { body, version, cluster } = ctx;
    body.int32(); // replica_id
    const maxWaitMs = body.int32();
    const minBytes = body.int32();
    const maxBytes = body.int32();
    body.int8(); // isolation_level: no transactions here, so both levels read the same
    if (version >= 7) {
      body.int32(); // session_id
      body.int32(); // session_epoch
    }
    const topics = body.list((r) => ({
      name: r.string(),
      partitions: r.list((r): PartitionFetch => {
        const index = r.int32();
        if (version >= 9) {
          r.int32(); // current_leader_epoch
        }
        const offset = r.int64n();
        if (version >= 5) {
          r.int64(); // log_start_offset
        }
        return { index, offset, maxBytes: r.int32() };
      }),
    }));
    // forgotten_topics_data (v7+) and rack_id (v11+) need no answer: this broker keeps no fetch sessions.
    const deadline = Date.now() + Math.max(0, maxWaitMs);
    let result = collect(ctx, topics, maxBytes);
    const hasError = () => result.answers.some((t) => t.partitions.some((p) => p.error !== ErrorCode.NONE));
    while (result.total < minBytes && !hasError() && Date.now() < deadline && !ctx.conn.closed) {
      const logs = topics.flatMap((t) => t.partitions.map((p) => cluster.topics.get(t.name)?.partitions[p.index])).filter((l): l is PartitionLog => !!l);
      await nextAppend(logs, deadline - Date.now());
      result = collect(ctx, topics, maxBytes);
    }
    const w = new Writer(4096 + result.total);
    w.int32(0);
    if (version >= 7) {
      w.int16(ErrorCode.NONE).int32(0); // no fetch session is ever created
    }
    w.array(result.answers, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        w.int32(p.index).int16(p.error).int64(p.highWatermark).int64(p.highWatermark);
        if (version >= 5) {
          w.int64(p.logStartOffset);
        }
        w.nullableArray(null, () => undefined); // aborted_transactions
        if (version >= 11) {
          w.int32(-1); // preferred_read_replica
        }
        const size = p.batches.reduce((n, b) => n + b.length, 0);
        w.int32(size);
        for (const b of p.batches) {
          w.raw(b);
        }
      });
    });
    return w.done();
  },
};

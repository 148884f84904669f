import { ErrorCode } from '../protocol/errors';
import { splitBatches } from '../protocol/records';
import { Writer } from '../protocol/writer';
import { RequestContext, Api } from './api';

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: number;
  logStartOffset: number;
}

function appendPartition(ctx: RequestContext, topicName: string, index: number, records: Buffer | null): PartitionResult {
  const { cluster, node, conn } = ctx;
  const result = (error: number, baseOffset = -1, logStartOffset = -1) => ({ index, error, baseOffset, logStartOffset });
  if (ctx.injected !== undefined) {
    return result(ctx.injected);
  }
  if (!cluster.auth.canWrite(conn.principal, topicName)) {
    return result(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  }
  const topic = cluster.topics.get(topicName);
  const log = topic?.partitions[index];
  if (!topic || !log) {
    return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (cluster.leaderOf(topicName, index) !== node.id) {
    return result(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }
  const limit = Number(topic.configs['max.message.bytes'] ?? cluster.options.maxMessageBytes);
  const batches = records ? splitBatches(records) : 'corrupt';
  if (batches === 'corrupt') {
    return result(ErrorCode.CORRUPT_MESSAGE);
  }
  if (batches === 'unsupportedMagic') {
    return result(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  }
  if (batches.some((b) => b.length > limit)) {
    return result(ErrorCode.MESSAGE_TOO_LARGE);
  }
  let baseOffset = -1;
  for (const batch of batches) {
    const appended = log.append(batch);
    if ('error' in appended) {
      const codes = { outOfOrderSequence: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, invalidProducerEpoch: ErrorCode.INVALID_PRODUCER_EPOCH, unknownProducerId: ErrorCode.UNKNOWN_PRODUCER_ID };
      return result(codes[appended.error]);
    }
    if (baseOffset < 0) {
      baseOffset = appended.baseOffset;
    }
  }
  cluster.markDirty();
  return result(ErrorCode.NONE, baseOffset, log.logStartOffset);
}

/**
 * Produce from v0, as CKafka and Kafka before 4.0 advertise it: librdkafka 2.0 compresses with gzip, snappy
 * or lz4 only when the broker lists Produce v0. Versions 0 to 2 carry the old message format, which is
 * answered with UNSUPPORTED_FOR_MESSAGE_FORMAT.
 */
export const produce: Api = {
  key: 0,
  name: 'Produce',
  min: 0,
  max: 7,
  handle: (ctx) => {
    const { body, version } = ctx;
    if (version >= 3) {
      body.nullableString(); // transactional_id
    }
    const acks = body.int16();
    body.int32(); // timeout_ms
    const topics = body.list((r) => ({
      name: r.string(),
      partitions: r.list((r) => ({ index: r.int32(), records: r.nullableBytes() })),
    }));
    const invalidAcks = acks !== 0 && acks !== 1 && acks !== -1;
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) =>
        invalidAcks ? { index: p.index, error: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1, logStartOffset: -1 } : appendPartition(ctx, t.name, p.index, p.records),
      ),
    }));
    if (acks === 0) {
      return null;
    }
    const w = new Writer();
    w.array(results, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => {
        w.int32(p.index).int16(p.error).int64(p.baseOffset);
        if (version >= 2) {
          w.int64(-1); // log_append_time
        }
        if (version >= 5) {
          w.int64(p.logStartOffset);
        }
      });
    });
    if (version >= 1) {
      w.int32(0); // throttle_time_ms
    }
    return w.done();
  },
};

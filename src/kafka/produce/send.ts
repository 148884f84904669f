import type { Admin, IHeaders } from 'kafkajs';
import { Compression, COMPRESSIONS } from '../codecs';
import { kafkaErrorType } from '../errors';
import { kafkajs } from '../lib';
import { PlannedBatch, planBatches } from './plan';
import type { BatchSender } from './producer';
import { SendableRecord } from './records';

/** CKafka's default, and Kafka's: used when the topic's own limit cannot be read. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/** What the sender needs to know about the topic before the first byte goes out. */
export interface TopicFacts {
  topic: string;
  partitionCount: number;
  maxMessageBytes: number;
  /** Set when the limit could not be read and the default is assumed. */
  limitAssumed?: boolean;
}

/** The topic does not exist; produce never creates one. */
export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`UNKNOWN_TOPIC_OR_PARTITION: topic "${topic}" does not exist`);
    this.name = 'UnknownTopicError';
  }
}

/** Checks that the topic exists, and reads its partition count and message-size limit. */
export async function topicFacts(admin: Admin, topic: string): Promise<TopicFacts> {
  let partitionCount: number;
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    partitionCount = metadata.topics[0]?.partitions.length ?? 0;
  } catch (error) {
    if (kafkaErrorType(error) === 'UNKNOWN_TOPIC_OR_PARTITION') {
      throw new UnknownTopicError(topic);
    }
    throw error;
  }
  if (partitionCount === 0) {
    throw new UnknownTopicError(topic);
  }
  try {
    const described = await admin.describeConfigs({
      resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
    const limit = Number(entry?.configValue);
    if (Number.isInteger(limit) && limit > 0) {
      return { topic, partitionCount, maxMessageBytes: limit };
    }
  } catch {
    // A user may produce without DescribeConfigs rights; the default limit is assumed and said so.
  }
  return { topic, partitionCount, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, limitAssumed: true };
}

/** Records acknowledged on one partition: offsets first..last, in the order they were written. */
export interface PartitionAck {
  partition: number;
  count: number;
  firstOffset: string;
  lastOffset: string;
}

/** Records the broker did not acknowledge, the editor lines they came from, and why. */
export interface Unacknowledged {
  partition: number;
  lines: number[];
  /** Undefined when the send was cancelled before this batch went out. */
  error?: unknown;
}

export interface ProduceReport {
  topic: string;
  total: number;
  acknowledged: number;
  partitions: PartitionAck[];
  unacknowledged: Unacknowledged[];
  cancelled: boolean;
}

export interface SendOptions {
  /** Sends in flight at once, over all partitions; one at a time per partition keeps the order. */
  maxInFlight?: number;
  isCancelled?: () => boolean;
  /** Called after every acknowledged batch with the running total. */
  onAcknowledged?: (acknowledged: number, total: number) => void;
  maxRecordsPerBatch?: number;
  /** How each batch is compressed; none by default. */
  compression?: Compression;
}

/**
 * Sends the records to the topic and reports exactly what the broker acknowledged. Each request carries
 * one partition's batch, so a failure is known per batch: a partition stops at its first failed batch
 * (later ones would arrive out of order) and every record of it and after it is reported unacknowledged.
 */
export async function sendRecords(producer: BatchSender, facts: TopicFacts, records: readonly SendableRecord[], options: SendOptions = {}): Promise<ProduceReport> {
  const partitioner = kafkajs().Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: facts.partitionCount }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
  const queues = await planBatches(records, {
    partitionCount: facts.partitionCount,
    maxMessageBytes: facts.maxMessageBytes,
    partitionForKey: (key) => partitioner({ topic: facts.topic, partitionMetadata, message: { key, value: null } }),
    maxRecordsPerBatch: options.maxRecordsPerBatch,
  });
  const report: ProduceReport = { topic: facts.topic, total: records.length, acknowledged: 0, partitions: [], unacknowledged: [], cancelled: false };
  const isCancelled = options.isCancelled ?? (() => false);
  const slots = new Slots(options.maxInFlight ?? 8);
  const compression = COMPRESSIONS.indexOf(options.compression ?? 'none');

  const sendPartition = async (queue: PlannedBatch<SendableRecord>[]): Promise<void> => {
    for (let i = 0; i < queue.length; i++) {
      const batch = queue[i];
      await slots.take();
      try {
        if (isCancelled()) {
          report.cancelled = true;
          failRest(report, queue.slice(i), undefined);
          return;
        }
        const [ack] = await producer.sendBatch({
          acks: -1,
          compression,
          topicMessages: [{ topic: facts.topic, messages: batch.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers as IHeaders | undefined, partition: batch.partition })) }],
        });
        acknowledge(report, batch, BigInt(ack.baseOffset ?? '-1'));
        options.onAcknowledged?.(report.acknowledged, report.total);
      } catch (error) {
        failRest(report, queue.slice(i), error);
        return;
      } finally {
        slots.give();
      }
    }
  };

  await Promise.all(queues.filter((q) => q.length > 0).map(sendPartition));
  report.partitions.sort((a, b) => a.partition - b.partition);
  report.unacknowledged.sort((a, b) => a.lines[0] - b.lines[0]);
  return report;
}

function acknowledge(report: ProduceReport, batch: PlannedBatch<SendableRecord>, baseOffset: bigint): void {
  const count = batch.records.length;
  report.acknowledged += count;
  const last = (baseOffset + BigInt(count - 1)).toString();
  const known = report.partitions.find((p) => p.partition === batch.partition);
  if (known) {
    known.count += count;
    known.lastOffset = last;
  } else {
    report.partitions.push({ partition: batch.partition, count, firstOffset: baseOffset.toString(), lastOffset: last });
  }
}

function failRest(report: ProduceReport, batches: PlannedBatch<SendableRecord>[], error: unknown): void {
  const lines = batches.flatMap((b) => b.records.map((r) => r.line));
  if (lines.length > 0) {
    report.unacknowledged.push({ partition: batches[0].partition, lines, error });
  }
}

/** A counting semaphore: at most `size` holders at once. */
class Slots {
  private waiting: (() => void)[] = [];
  private free: number;

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
    } else {
      this.free++;
    }
  }
}

/** Editor lines as short ranges, e.g. `3-7, 12, 20-31`, at most `max` ranges and then a count of the rest. */
export function lineRanges(lines: readonly number[], max = 5): string {
  const sorted = [...lines].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) {
      j++;
    }
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')}, … (+${ranges.length - max})` : ranges.join(', ');
}

import { BATCH_OVERHEAD, OutgoingRecord, RecordError, recordSize, SendableRecord } from './records';

/** Records bound for one partition in one request, in the order the user wrote them. */
export interface PlannedBatch<R extends SendableRecord = OutgoingRecord> {
  partition: number;
  records: R[];
  bytes: number;
}

export interface PlanOptions {
  partitionCount: number;
  /** The topic's max.message.bytes: no batch may be larger. */
  maxMessageBytes: number;
  /** Where a keyed record goes; the Java client's partitioner, so keys land where applications expect. */
  partitionForKey: (key: string | Buffer) => number;
  /** Upper bound on records in one batch (500 by default): kafkajs groups a batch's messages in time quadratic in their number, and encoding one request stays short. */
  maxRecordsPerBatch?: number;
  /** First partition for keyless records; random by default, like Kafka's sticky partitioner. */
  firstStickyPartition?: number;
}

const RECORDS_PER_SLICE = 5000;

/**
 * Splits the records into per-partition batches that each fit under the size limit. Keyless records stick
 * to one partition until its batch is full and then move to the next, so batches stay large. Throws a
 * RecordError for a record too large for any batch, or an explicit partition the topic does not have,
 * before anything is sent. Yields to the event loop between slices.
 */
export async function planBatches<R extends SendableRecord>(records: readonly R[], options: PlanOptions): Promise<PlannedBatch<R>[][]> {
  const { partitionCount, maxMessageBytes } = options;
  const maxRecords = options.maxRecordsPerBatch ?? 500;
  const capacity = Math.floor(maxMessageBytes * 0.95) - BATCH_OVERHEAD;
  const queues: PlannedBatch<R>[][] = Array.from({ length: partitionCount }, () => []);
  let sticky = options.firstStickyPartition ?? Math.floor(Math.random() * partitionCount);

  const openBatch = (partition: number, size: number): PlannedBatch<R> => {
    const queue = queues[partition];
    const last = queue[queue.length - 1];
    if (last && last.bytes + size <= capacity && last.records.length < maxRecords) {
      return last;
    }
    const fresh = { partition, records: [], bytes: 0 };
    queue.push(fresh);
    return fresh;
  };

  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const size = recordSize(record);
    if (size > capacity) {
      throw new RecordError('record.tooLarge', `${size + BATCH_OVERHEAD}/${maxMessageBytes}`, record.line);
    }
    let partition: number;
    if (record.partition !== undefined) {
      if (record.partition >= partitionCount) {
        throw new RecordError('record.partition', `${record.partition}/${partitionCount}`, record.line);
      }
      partition = record.partition;
    } else if (record.key !== undefined) {
      partition = options.partitionForKey(record.key);
    } else {
      const current = queues[sticky][queues[sticky].length - 1];
      if (current && (current.bytes + size > capacity || current.records.length >= maxRecords)) {
        sticky = (sticky + 1) % partitionCount;
      }
      partition = sticky;
    }
    const batch = openBatch(partition, size);
    batch.records.push(record);
    batch.bytes += size;
    if (i % RECORDS_PER_SLICE === RECORDS_PER_SLICE - 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return queues;
}

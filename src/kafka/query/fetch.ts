import { compressionName, decompress, undecodable } from '../codecs';
import type { FilterHeader } from './filter';
import type { SkippedBatch } from './spec';

/**
 * Fetch for Message Query: one request to a partition leader, its answer decoded straight into records.
 *
 * kafkajs's own Fetch decoding builds, for every record, 64-bit Long objects for its offset and time and a
 * decoder object; for a scan of millions of records that is most of the CPU time and of the garbage. Here
 * the answer stays one Buffer: record batches (Kafka's message format v2, from 0.11 on) are read in place,
 * numbers as plain numbers, keys and values as views into the answer, and records past the end of the
 * range are not decoded at all. Compressed batches go through the project's codecs (src/kafka/codecs).
 *
 * The request is Fetch v4, which every broker from Kafka 0.11 on speaks; it is sent through kafkajs's
 * connection to that broker (its SASL, TLS, timeouts and correlation). A broker without Fetch v4 (Kafka
 * 0.10), or a partition whose log holds the old message formats v0 and v1, is read through kafkajs's
 * Broker.fetch instead, which decodes those formats.
 */

const FETCH_API = 1;
const FETCH_VERSION = 4;
const READ_UNCOMMITTED = 0;

/** A record as the scan sees it: numbers, and views into the Fetch answer (copied out only when kept). */
export interface ScanRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly FilterHeader[];
}

/**
 * Where the records of a Fetch answer are: a record batch (decompressed when it was compressed), read
 * only when a RecordReader walks it; or records kafkajs decoded (see fetchByKafkajs).
 */
export type RecordBlock = { body: Buffer; count: number; baseOffset: number; baseTimestamp: number; logAppendTime: number } | { decoded: ScanRecord[] };

/** One partition's part of a Fetch answer. */
export interface PartitionAnswer {
  partition: number;
  errorCode: number;
  highWatermark: number;
  /** The records, read with a RecordReader: from `from` on, below `end`, control records left out. */
  blocks: RecordBlock[];
  from: number;
  end: number;
  /** Where the partition goes on: after the last batch of the answer (the fetch offset when it held none). */
  next: number;
  /** Whether the answer held any record batch (a complete one). */
  empty: boolean;
  skipped: SkippedBatch[];
}

export interface FetchLimits {
  maxWaitMs: number;
  maxBytes: number;
  partitionMaxBytes: number;
}

/** The part of kafkajs's Broker used here (see cluster.ts for how it is reached). */
export interface FetchBroker {
  versions?: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool?: {
    send(request: {
      request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<{ buf: Buffer; buffer: Buffer }> };
      response: { decode(payload: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
      requestTimeout: number;
    }): Promise<unknown>;
  };
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: KafkajsPartition[] }[] }>;
}

interface KafkajsPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  messages: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers?: Record<string, Buffer | null | (Buffer | null)[] | undefined>;
    isControlRecord?: boolean;
    batchContext?: { firstOffset: string; lastOffsetDelta: number };
  }[];
}

export interface PartitionRequest {
  partition: number;
  offset: number;
  /** The offset after the range: records from here on are not decoded. */
  end: number;
}

/** Reads `partitions` of `topic` from their leader `broker`, from the offsets given. */
export async function fetchPartitions(broker: FetchBroker, topic: string, partitions: readonly PartitionRequest[], limits: FetchLimits): Promise<PartitionAnswer[]> {
  const v = broker.versions?.[FETCH_API];
  if (!broker.connectionPool || !v || v.minVersion > FETCH_VERSION || v.maxVersion < FETCH_VERSION) {
    return fetchByKafkajs(broker, topic, partitions, limits);
  }
  const raw = await sendFetch(broker, topic, partitions, limits);
  const answers = readFetchAnswer(raw, topic, partitions);
  const legacy = answers.filter((a) => a === 'legacy').length;
  if (legacy === 0) {
    return answers as PartitionAnswer[];
  }
  const again = await fetchByKafkajs(broker, topic, partitions.filter((_, i) => answers[i] === 'legacy'), limits);
  return answers.map((a) => (a === 'legacy' ? (again.shift() as PartitionAnswer) : a));
}

async function sendFetch(broker: FetchBroker, topic: string, partitions: readonly PartitionRequest[], limits: FetchLimits): Promise<Buffer> {
  const topicBytes = Buffer.from(topic, 'utf8');
  const body = Buffer.alloc(4 * 4 + 1 + 4 + 2 + topicBytes.length + 4 + partitions.length * 16);
  let at = body.writeInt32BE(-1, 0); // replica_id
  at = body.writeInt32BE(limits.maxWaitMs, at);
  at = body.writeInt32BE(1, at); // min_bytes
  at = body.writeInt32BE(limits.maxBytes, at);
  at = body.writeInt8(READ_UNCOMMITTED, at);
  at = body.writeInt32BE(1, at); // one topic
  at = body.writeInt16BE(topicBytes.length, at);
  at += topicBytes.copy(body, at);
  at = body.writeInt32BE(partitions.length, at);
  for (const p of partitions) {
    at = body.writeInt32BE(p.partition, at);
    at = body.writeBigInt64BE(BigInt(p.offset), at);
    at = body.writeInt32BE(limits.partitionMaxBytes, at);
  }
  const answer = await broker.connectionPool?.send({
    request: { apiKey: FETCH_API, apiVersion: FETCH_VERSION, apiName: 'Fetch', encode: async () => ({ buf: body, buffer: body }) },
    response: { decode: async (payload: Buffer) => payload, parse: async (payload: unknown) => payload },
    requestTimeout: limits.maxWaitMs + 30_000,
  });
  return answer as Buffer;
}

/** A malformed Fetch answer: the broker sent something this reader does not understand. */
export class FetchFormatError extends Error {
  constructor(detail: string) {
    super(`malformed Fetch answer: ${detail}`);
    this.name = 'FetchFormatError';
  }
}

function int64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

/** Each requested partition's answer, in request order; 'legacy' where the log holds message format v0/v1. */
export function readFetchAnswer(buf: Buffer, topic: string, partitions: readonly PartitionRequest[]): (PartitionAnswer | 'legacy')[] {
  const found = new Map<number, PartitionAnswer | 'legacy'>();
  const need = (at: number, n: number) => {
    if (at + n > buf.length) {
      throw new FetchFormatError(`${buf.length} bytes, wanted ${at + n}`);
    }
  };
  let at = 4; // throttle_time_ms
  need(at, 4);
  const topics = buf.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    need(at, 2);
    const nameLength = buf.readInt16BE(at);
    need(at + 2, nameLength + 4);
    const name = buf.toString('utf8', at + 2, at + 2 + nameLength);
    at += 2 + nameLength;
    const count = buf.readInt32BE(at);
    at += 4;
    for (let p = 0; p < count; p++) {
      need(at, 4 + 2 + 8 + 8 + 4);
      const partition = buf.readInt32BE(at);
      const errorCode = buf.readInt16BE(at + 4);
      const highWatermark = int64(buf, at + 6);
      at += 4 + 2 + 8 + 8; // and last_stable_offset
      const aborted = buf.readInt32BE(at);
      at += 4 + Math.max(0, aborted) * 16;
      need(at, 4);
      const size = buf.readInt32BE(at);
      at += 4;
      need(at, Math.max(0, size));
      const request = partitions.find((r) => r.partition === partition);
      if (name === topic && request) {
        const data = size > 0 ? buf.subarray(at, at + size) : buf.subarray(at, at);
        found.set(partition, errorCode === 0 ? readRecordBatches(partition, data, request.offset, request.end, highWatermark) : emptyAnswer(partition, errorCode, highWatermark, request.offset));
      }
      at += Math.max(0, size);
    }
  }
  return partitions.map((r) => found.get(r.partition) ?? emptyAnswer(r.partition, 0, -1, r.offset));
}

function emptyAnswer(partition: number, errorCode: number, highWatermark: number, offset: number): PartitionAnswer {
  return { partition, errorCode, highWatermark, blocks: [], from: offset, end: offset, next: offset, empty: true, skipped: [] };
}

const BATCH_HEADER = 61;
const NO_HEADERS: readonly FilterHeader[] = Object.freeze([]);

/**
 * The record batches in `data` that hold offsets in [from, end), control batches left out; a batch that
 * cannot be decompressed is skipped and named. A batch cut short by the size limit ends the data. The
 * records themselves are read later, one at a time, by a RecordReader.
 */
export function readRecordBatches(partition: number, data: Buffer, from: number, end: number, highWatermark: number): PartitionAnswer | 'legacy' {
  const blocks: RecordBlock[] = [];
  const skipped: SkippedBatch[] = [];
  let next = from;
  let empty = true;
  let at = 0;
  while (at + BATCH_HEADER <= data.length) {
    const baseOffset = int64(data, at);
    const length = data.readInt32BE(at + 8);
    const batchEnd = at + 12 + length;
    if (length < BATCH_HEADER - 12 || batchEnd > data.length) {
      break; // cut short by max_bytes: the rest comes with the next Fetch
    }
    if (data.readInt8(at + 16) !== 2) {
      return 'legacy';
    }
    empty = false;
    const attributes = data.readInt16BE(at + 21);
    const lastOffset = baseOffset + data.readInt32BE(at + 23);
    next = Math.max(next, lastOffset + 1);
    const control = (attributes & 0x20) !== 0;
    if (control || lastOffset < from || baseOffset >= end) {
      at = batchEnd;
      continue;
    }
    const baseTimestamp = int64(data, at + 27);
    const logAppendTime = (attributes & 0x08) !== 0 ? int64(data, at + 35) : -1;
    const count = data.readInt32BE(at + 57);
    const compression = attributes & 0x07;
    let body = data.subarray(at + BATCH_HEADER, batchEnd);
    if (compression !== 0) {
      try {
        body = decompress(compression, body);
      } catch (error) {
        skipped.push({ partition, firstOffset: baseOffset, lastOffset, compression: compressionName(compression), reason: error instanceof Error ? error.message : String(error) });
        at = batchEnd;
        continue;
      }
    }
    blocks.push({ body, count, baseOffset, baseTimestamp, logAppendTime });
    at = batchEnd;
  }
  return { partition, errorCode: 0, highWatermark, blocks, from, end, next, empty, skipped };
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads the records of one PartitionAnswer, one at a time, and is itself the record it is at: its fields
 * change with each next(). Nothing is made for a record but what is looked at (a key, a value or the
 * headers, each a view into the answer); snapshot() gives a record that stays. So a scan of millions of
 * records leaves next to no garbage, and none that outlives a record.
 */
export class RecordReader implements ScanRecord {
  offset = 0;
  timestamp = 0;
  private body: Buffer = EMPTY;
  private at = 0;
  private keyAt = 0;
  private keyLength = -1;
  private valueAt = 0;
  private valueLength = -1;
  private headersAt = 0;
  private headerCount = 0;
  private block = -1;
  /** Records left in the current block; for a decoded block, the index of the next one. */
  private left = 0;
  private decoded: ScanRecord | undefined;

  constructor(private readonly answer: PartitionAnswer) {}

  /** Moves to the next record; false when there is none. Throws FetchFormatError on a damaged record. */
  next(): boolean {
    const { blocks, from, end } = this.answer;
    for (;;) {
      const block = blocks[this.block];
      if (block !== undefined && 'decoded' in block) {
        while (this.left < block.decoded.length) {
          const record = block.decoded[this.left++];
          if (record.offset >= from && record.offset < end) {
            this.decoded = record;
            this.offset = record.offset;
            this.timestamp = record.timestamp;
            return true;
          }
        }
      } else if (block !== undefined) {
        const body = this.body;
        while (this.left > 0 && this.at < body.length) {
          this.left--;
          const length = this.varint();
          const recordEnd = this.at + length;
          this.at++; // attributes
          const timestampDelta = this.varint();
          const offset = block.baseOffset + this.varint();
          if (offset >= end) {
            break;
          }
          if (offset < from) {
            this.at = recordEnd;
            continue;
          }
          this.keyLength = this.varint();
          this.keyAt = this.skip(this.keyLength);
          this.valueLength = this.varint();
          this.valueAt = this.skip(this.valueLength);
          this.headerCount = this.varint();
          this.headersAt = this.at;
          this.offset = offset;
          this.timestamp = block.logAppendTime >= 0 ? block.logAppendTime : block.baseTimestamp + timestampDelta;
          if (recordEnd > body.length) {
            throw new FetchFormatError('a record runs past its batch');
          }
          this.at = recordEnd;
          return true;
        }
      }
      if (++this.block >= blocks.length) {
        this.block = blocks.length;
        return false;
      }
      const nextBlock = blocks[this.block];
      this.decoded = undefined;
      if ('decoded' in nextBlock) {
        this.left = 0;
      } else {
        this.body = nextBlock.body;
        this.at = 0;
        this.left = nextBlock.count;
      }
    }
  }

  get key(): Buffer | null {
    if (this.decoded) {
      return this.decoded.key;
    }
    return this.keyLength < 0 ? null : this.body.subarray(this.keyAt, this.keyAt + this.keyLength);
  }

  get value(): Buffer | null {
    if (this.decoded) {
      return this.decoded.value;
    }
    return this.valueLength < 0 ? null : this.body.subarray(this.valueAt, this.valueAt + this.valueLength);
  }

  get headers(): readonly FilterHeader[] {
    if (this.decoded) {
      return this.decoded.headers;
    }
    if (this.headerCount <= 0) {
      return NO_HEADERS;
    }
    const resume = this.at;
    this.at = this.headersAt;
    try {
      const list: FilterHeader[] = [];
      for (let h = 0; h < this.headerCount; h++) {
        const nameLength = this.varint();
        const nameAt = this.skip(nameLength);
        const name = nameLength < 0 ? '' : this.body.toString('utf8', nameAt, nameAt + nameLength);
        const valueLength = this.varint();
        const valueAt = this.skip(valueLength);
        list.push({ name, value: valueLength < 0 ? null : this.body.subarray(valueAt, valueAt + valueLength) });
      }
      return list;
    } finally {
      this.at = resume;
    }
  }

  /** The current record as an object of its own, still viewing the answer's bytes. */
  snapshot(): ScanRecord {
    return { offset: this.offset, timestamp: this.timestamp, key: this.key, value: this.value, headers: this.headers };
  }

  /** Reads a zig-zag varint (up to 64 bits, as a double). */
  private varint(): number {
    const body = this.body;
    let result = 0;
    let factor = 1;
    for (;;) {
      if (this.at >= body.length) {
        throw new FetchFormatError('a record runs past its batch');
      }
      const b = body[this.at++];
      result += (b & 0x7f) * factor;
      if (b < 0x80) {
        break;
      }
      factor *= 128;
      if (factor > 2 ** 63) {
        throw new FetchFormatError('a varint longer than 64 bits');
      }
    }
    // zig-zag: 2n for n >= 0, 2|n| - 1 for n < 0
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  /** Steps over `length` bytes (none for a null, length -1); where they start. */
  private skip(length: number): number {
    const at = this.at;
    if (length > 0) {
      if (at + length > this.body.length) {
        throw new FetchFormatError('a key, value or header runs past its batch');
      }
      this.at = at + length;
    }
    return at;
  }
}

/** The same, through kafkajs's Broker.fetch and its decoders (message formats v0 and v1 included). */
export async function fetchByKafkajs(broker: FetchBroker, topic: string, partitions: readonly PartitionRequest[], limits: FetchLimits): Promise<PartitionAnswer[]> {
  const { responses } = await broker.fetch({
    isolationLevel: READ_UNCOMMITTED,
    maxWaitTime: limits.maxWaitMs,
    minBytes: 1,
    maxBytes: limits.maxBytes,
    topics: [{ topic, partitions: partitions.map((p) => ({ partition: p.partition, fetchOffset: String(p.offset), maxBytes: limits.partitionMaxBytes })) }],
  });
  const byPartition = new Map(responses.filter((r) => r.topicName === topic).flatMap((r) => r.partitions.map((p) => [p.partition, p] as const)));
  return partitions.map((request) => {
    const answer = byPartition.get(request.partition);
    if (!answer) {
      return emptyAnswer(request.partition, 0, -1, request.offset);
    }
    let next = request.offset;
    const decoded: ScanRecord[] = [];
    const skipped = new Map<string, SkippedBatch>();
    for (const m of answer.messages) {
      const offset = Number(m.offset);
      const batchEnd = m.batchContext ? Number(m.batchContext.firstOffset) + m.batchContext.lastOffsetDelta + 1 : offset + 1;
      next = Math.max(next, batchEnd, offset + 1);
      // A batch kafkajs could not decode comes as empty stand-in records (see src/kafka/codecs).
      const bad = m.value !== null && m.value.length === 0 ? undecodable(m.value) : undefined;
      if (bad) {
        const batch = { partition: request.partition, firstOffset: Number(bad.firstOffset), lastOffset: Number(bad.lastOffset), compression: bad.compression, reason: bad.reason };
        skipped.set(bad.firstOffset, batch);
      } else if (offset >= request.offset && offset < request.end && !m.isControlRecord) {
        decoded.push({ offset, timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: headerList(m.headers) });
      }
    }
    return {
      partition: request.partition,
      errorCode: answer.errorCode,
      highWatermark: Number(answer.highWatermark),
      blocks: [{ decoded }],
      from: request.offset,
      end: request.end,
      next,
      empty: answer.messages.length === 0,
      skipped: [...skipped.values()],
    };
  });
}

function headerList(headers: KafkajsPartition['messages'][number]['headers']): FilterHeader[] {
  const out: FilterHeader[] = [];
  for (const name of Object.keys(headers ?? {})) {
    const value = headers?.[name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) {
        out.push({ name, value: v });
      }
    }
  }
  return out;
}

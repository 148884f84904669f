import { COMPRESSIONS, decompress } from '../../../src/kafka/codecs';
import { crc32c } from './crc32c';
import { Reader } from './reader';

/** Byte positions inside a record batch v2 header. */
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const BASE_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const RECORD_COUNT = 57;
export const BATCH_HEADER_SIZE = 61;

/** One record batch as the broker keeps it: the client's bytes, with the base offset it was given. */
export interface Batch {
  readonly bytes: Buffer;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly count: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export type BatchProblem = 'corrupt' | 'unsupportedMagic';

/** Splits a Produce request's records field into batch v2 buffers, checking each one's length, magic and CRC. */
export function splitBatches(records: Buffer): Buffer[] | BatchProblem {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BATCH_HEADER_SIZE) {
      return 'corrupt';
    }
    const size = records.readInt32BE(pos + BATCH_LENGTH) + 12;
    if (size < BATCH_HEADER_SIZE || pos + size > records.length) {
      return 'corrupt';
    }
    const batch = records.subarray(pos, pos + size);
    if (batch.readInt8(MAGIC) !== 2) {
      return 'unsupportedMagic';
    }
    if (batch.readUInt32BE(CRC) !== crc32c(batch, ATTRIBUTES)) {
      return 'corrupt';
    }
    if ((batch.readInt16BE(ATTRIBUTES) & 0x07) >= COMPRESSIONS.length) {
      return 'corrupt';
    }
    out.push(batch);
    pos += size;
  }
  return out.length > 0 ? out : 'corrupt';
}

/** Copies a validated batch and stamps it with its offset in the log (the base offset is outside the CRC). */
export function placeBatch(client: Buffer, baseOffset: number): Batch {
  const bytes = Buffer.from(client);
  bytes.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
  return describeBatch(bytes);
}

export function describeBatch(bytes: Buffer): Batch {
  const baseOffset = Number(bytes.readBigInt64BE(BASE_OFFSET));
  return {
    bytes,
    baseOffset,
    lastOffset: baseOffset + bytes.readInt32BE(LAST_OFFSET_DELTA),
    count: bytes.readInt32BE(RECORD_COUNT),
    maxTimestamp: Number(bytes.readBigInt64BE(MAX_TIMESTAMP)),
    producerId: Number(bytes.readBigInt64BE(PRODUCER_ID)),
    producerEpoch: bytes.readInt16BE(PRODUCER_EPOCH),
    baseSequence: bytes.readInt32BE(BASE_SEQUENCE),
  };
}

/** A decoded record, for the few places that look inside batches (timestamp lookups, tests). */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** Decodes the records of a batch of any compression, as Kafka does; null when its records cannot be decoded. */
export function decodeBatch(batch: Batch): DecodedRecord[] | null {
  try {
    return decodeRecords(batch);
  } catch {
    return null;
  }
}

function decodeRecords(batch: Batch): DecodedRecord[] {
  const attributes = batch.bytes.readInt16BE(ATTRIBUTES);
  const body = decompress(attributes & 0x07, batch.bytes.subarray(BATCH_HEADER_SIZE));
  const baseTimestamp = Number(batch.bytes.readBigInt64BE(BASE_TIMESTAMP));
  const logAppendTime = (attributes & 0x08) !== 0;
  const r = new Reader(body);
  const out: DecodedRecord[] = [];
  for (let i = 0; i < batch.count; i++) {
    r.varint(); // length
    r.int8(); // attributes
    const timestampDelta = r.varint();
    const offsetDelta = r.varint();
    const key = varBytes(r);
    const value = varBytes(r);
    const headers: DecodedRecord['headers'] = [];
    const headerCount = r.varint();
    for (let h = 0; h < headerCount; h++) {
      const k = varBytes(r);
      headers.push({ key: k ? k.toString('utf8') : '', value: varBytes(r) });
    }
    out.push({ offset: batch.baseOffset + offsetDelta, timestamp: logAppendTime ? batch.maxTimestamp : baseTimestamp + timestampDelta, key, value, headers });
  }
  return out;
}

function varBytes(r: Reader): Buffer | null {
  const n = r.varint();
  return n < 0 ? null : r.bytes(n);
}

import * as zlib from 'zlib';
import { lz4Compress, lz4Decompress } from './lz4';
import { snappyCompress, snappyDecompress } from './snappy';
import { zstdCompress, zstdDecompress } from './zstd';

export { CodecUnavailableError, canCompressZstd } from './zstd';

/** Kafka's compression types, by the number a record batch's attributes carry. */
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** A decoded batch larger than this is refused, so a corrupt or hostile length cannot exhaust memory. */
export const MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

/** Compression type number → name, or `type N` for a number Kafka does not define. */
export function compressionName(type: number): string {
  return COMPRESSIONS[type] ?? `type ${type}`;
}

/** The records section of a batch with compression `type`, decompressed; throws with the reason when it cannot be. */
export function decompress(type: number, data: Buffer): Buffer {
  switch (COMPRESSIONS[type]) {
    case 'none':
      return data;
    case 'gzip':
      return zlib.gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    case 'snappy':
      return snappyDecompress(data, MAX_DECOMPRESSED_BYTES);
    case 'lz4': {
      const out = lz4Decompress(data);
      if (out.length > MAX_DECOMPRESSED_BYTES) {
        throw new Error(`lz4: more than ${MAX_DECOMPRESSED_BYTES} bytes`);
      }
      return out;
    }
    case 'zstd':
      return zstdDecompress(data, MAX_DECOMPRESSED_BYTES);
    default:
      throw new Error(`unknown compression type ${type}`);
  }
}

export function compress(compression: Compression, data: Buffer): Buffer {
  switch (compression) {
    case 'none':
      return data;
    case 'gzip':
      return zlib.gzipSync(data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      return lz4Compress(data);
    case 'zstd':
      return zstdCompress(data);
  }
}

/** Why a batch could not be read, and which offsets it held. */
export interface Undecodable {
  compression: string;
  reason: string;
  firstOffset: string;
  lastOffset: string;
}

/**
 * Batches that could not be decoded, by the memory of the stand-in records made for them. kafkajs's codec
 * table is one per process, so this registry is too; it holds nothing once the records are gone.
 */
const standIns = new WeakMap<ArrayBufferLike, Undecodable>();

/** The batch a record stands in for, when it is one of the stand-ins made for a batch that could not be decoded. */
export function undecodable(value: Buffer | null): Undecodable | undefined {
  return value ? standIns.get(value.buffer) : undefined;
}

/** Bytes of a record batch before its records, and where the fields used here sit. */
const BATCH_HEADER = 61;
const LAST_OFFSET_DELTA = 23;
const RECORD_COUNT = 57;
const MAGIC = 16;
const ATTRIBUTES = 21;
/** More stand-ins than this for one batch means its header is not to be trusted either. */
const MAX_STAND_INS = 1_000_000;

/**
 * What kafkajs gets instead of a batch it cannot decode: one empty record per record of the batch, at the
 * batch's offsets, each recognisable by `undecodable()`. kafkajs hands the compressed records section to
 * the codec as a view into the fetch response, so the batch header (base offset, count) sits just before it.
 * This keeps the consumer's other batches and partitions flowing, and lets it report the batch's place and
 * skip it. Where the header cannot be found, the original error is thrown.
 */
function standInRecords(data: Buffer, type: number, error: unknown): Buffer {
  const reason = error instanceof Error ? error.message : String(error);
  if (data.byteOffset < BATCH_HEADER) {
    throw error;
  }
  const header = Buffer.from(data.buffer, data.byteOffset - BATCH_HEADER, BATCH_HEADER);
  const count = header.readInt32BE(RECORD_COUNT);
  const lastDelta = header.readInt32BE(LAST_OFFSET_DELTA);
  const batchEnd = header.readInt32BE(8) + 12 - BATCH_HEADER;
  if (header.readInt8(MAGIC) !== 2 || (header.readInt16BE(ATTRIBUTES) & 0x07) !== type || batchEnd !== data.length || count < 1 || count > MAX_STAND_INS || lastDelta < count - 1) {
    throw error;
  }
  const firstOffset = header.readBigInt64BE(0);
  // Each stand-in: length, attributes, timestamp delta 0, offset delta, null key, empty value, no headers.
  const records = Buffer.alloc(count * 12);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const delta = i === count - 1 ? lastDelta : i;
    const body = [0, 0, ...zigzagVarint(delta), 1, 0, 0];
    records[pos++] = body.length * 2;
    for (const b of body) {
      records[pos++] = b;
    }
  }
  standIns.set(records.buffer, {
    compression: compressionName(type),
    reason,
    firstOffset: firstOffset.toString(),
    lastOffset: (firstOffset + BigInt(lastDelta)).toString(),
  });
  return records.subarray(0, pos);
}

function zigzagVarint(n: number): number[] {
  let v = n * 2;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** The shape of kafkajs's `CompressionCodecs` table. */
export type CodecTable = Record<number, () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(data: Buffer): Promise<Buffer> }>;

/**
 * Puts every Kafka compression type into kafkajs's codec table, and types 5 to 7, which Kafka does not
 * define, as codecs whose batches are reported as undecodable rather than misread as uncompressed.
 */
export function registerCodecs(table: CodecTable): void {
  for (let type = 1; type <= 7; type++) {
    const name = COMPRESSIONS[type];
    const codec = {
      compress: async (encoder: { buffer: Buffer }) => (name ? compress(name, encoder.buffer) : Promise.reject(new Error(`unknown compression type ${type}`))),
      decompress: async (data: Buffer) => {
        try {
          return decompress(type, data);
        } catch (error) {
          return standInRecords(data, type, error);
        }
      },
    };
    table[type] = () => codec;
  }
}

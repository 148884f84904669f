import { xxh32 } from './xxh32';

/**
 * The LZ4 frame format (what Kafka's lz4 compression type holds), written here because the one pure-JavaScript
 * frame implementation on npm checks nothing it reads and allocates 5 MB when loaded. Decoding accepts every
 * frame option (linked or independent blocks, block and content checksums, content size, concatenated
 * frames) and checks every length, offset and checksum. Encoding writes independent 64 KiB blocks without
 * checksums, as librdkafka and the Java client read them.
 */

const MAGIC = 0x184d2204;
const MIN_MATCH = 4;
/** The format's end rules: the last 5 bytes are literals, and no match starts in the last 12. */
const LAST_LITERALS = 5;
const MATCH_LIMIT = 12;
const BLOCK_SIZE = 64 * 1024;
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

export class Lz4Error extends Error {
  constructor(message: string) {
    super(`lz4: ${message}`);
    this.name = 'Lz4Error';
  }
}

/** A byte buffer that grows as a block is decoded into it. */
class Output {
  bytes: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(capacity, 256));
  }

  reserve(n: number): void {
    const needed = this.length + n;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
  }
}

export function lz4Decompress(src: Buffer): Buffer {
  const out = new Output(src.length * 4);
  let pos = 0;
  do {
    pos = decodeFrame(src, pos, out);
  } while (pos < src.length);
  return out.bytes.subarray(0, out.length);
}

function decodeFrame(src: Buffer, start: number, out: Output): number {
  let pos = start;
  const need = (n: number) => {
    if (pos + n > src.length) {
      throw new Lz4Error('truncated frame');
    }
  };
  need(7);
  if (src.readUInt32LE(pos) !== MAGIC) {
    throw new Lz4Error(`not an LZ4 frame (magic ${src.readUInt32LE(pos).toString(16)})`);
  }
  pos += 4;
  const flags = src[pos];
  const blockDescriptor = src[pos + 1];
  if (flags >> 6 !== 1 || (flags & 0x02) !== 0 || (blockDescriptor & 0x8f) !== 0) {
    throw new Lz4Error('unsupported frame version or reserved bits set');
  }
  const maxBlock = BLOCK_MAX_SIZES[(blockDescriptor >> 4) & 0x07];
  if (maxBlock === undefined) {
    throw new Lz4Error('invalid block size');
  }
  const blockChecksums = (flags & 0x10) !== 0;
  const contentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const dictionary = (flags & 0x01) !== 0;
  const descriptorEnd = pos + 2 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0);
  pos = descriptorEnd;
  need(1);
  if (src[pos] !== ((xxh32(src, start + 4, descriptorEnd) >>> 8) & 0xff)) {
    throw new Lz4Error('frame descriptor checksum mismatch');
  }
  if (dictionary) {
    throw new Lz4Error('frames that need a dictionary are not supported');
  }
  pos++;
  const frameStart = out.length;
  for (;;) {
    need(4);
    const word = src.readUInt32LE(pos);
    pos += 4;
    if (word === 0) {
      break;
    }
    const size = word & 0x7fffffff;
    if (size > maxBlock) {
      throw new Lz4Error(`block of ${size} bytes exceeds the frame's ${maxBlock}`);
    }
    need(size + (blockChecksums ? 4 : 0));
    if (blockChecksums && src.readUInt32LE(pos + size) !== xxh32(src, pos, pos + size)) {
      throw new Lz4Error('block checksum mismatch');
    }
    if (word & 0x80000000) {
      out.reserve(size);
      src.copy(out.bytes, out.length, pos, pos + size);
      out.length += size;
    } else {
      decodeBlock(src, pos, pos + size, out, frameStart, maxBlock);
    }
    pos += size + (blockChecksums ? 4 : 0);
  }
  if (contentSize && Number(src.readBigUInt64LE(start + 6)) !== out.length - frameStart) {
    throw new Lz4Error('content size mismatch');
  }
  if (contentChecksum) {
    need(4);
    if (src.readUInt32LE(pos) !== xxh32(out.bytes, frameStart, out.length)) {
      throw new Lz4Error('content checksum mismatch');
    }
    pos += 4;
  }
  return pos;
}

function decodeBlock(src: Buffer, start: number, end: number, out: Output, frameStart: number, maxBlock: number): void {
  const blockStart = out.length;
  let pos = start;
  const length = (n: number) => {
    if (n === 15) {
      let more: number;
      do {
        if (pos >= end) {
          throw new Lz4Error('truncated length');
        }
        more = src[pos++];
        n += more;
      } while (more === 255);
    }
    return n;
  };
  for (;;) {
    if (pos >= end) {
      throw new Lz4Error('truncated block');
    }
    const token = src[pos++];
    const literals = length(token >> 4);
    if (pos + literals > end || out.length - blockStart + literals > maxBlock) {
      throw new Lz4Error('literals run past the block');
    }
    out.reserve(literals);
    if (literals <= 32) {
      const bytes = out.bytes;
      for (let i = 0, at = out.length; i < literals; i++) {
        bytes[at + i] = src[pos + i];
      }
    } else {
      src.copy(out.bytes, out.length, pos, pos + literals);
    }
    out.length += literals;
    pos += literals;
    if (pos === end) {
      return;
    }
    if (pos + 2 > end) {
      throw new Lz4Error('truncated match offset');
    }
    const offset = src[pos] | (src[pos + 1] << 8);
    pos += 2;
    const matchLength = length(token & 0x0f) + MIN_MATCH;
    if (offset === 0 || offset > out.length - frameStart) {
      throw new Lz4Error(`match offset ${offset} points before the frame`);
    }
    if (out.length - blockStart + matchLength > maxBlock) {
      throw new Lz4Error('match runs past the block');
    }
    out.reserve(matchLength);
    const bytes = out.bytes;
    const from = out.length - offset;
    const to = out.length;
    if (matchLength <= 32) {
      for (let i = 0; i < matchLength; i++) {
        bytes[to + i] = bytes[from + i];
      }
    } else {
      // An overlapping match repeats the last `offset` bytes; each copy doubles what can be copied next.
      for (let copied = 0; copied < matchLength; ) {
        const n = Math.min(offset + copied, matchLength - copied);
        bytes.copyWithin(to + copied, from, from + n);
        copied += n;
      }
    }
    out.length += matchLength;
  }
}

export function lz4Compress(src: Buffer): Buffer {
  const blockCount = Math.max(1, Math.ceil(src.length / BLOCK_SIZE));
  const out = Buffer.allocUnsafe(7 + blockCount * (4 + BLOCK_SIZE + (BLOCK_SIZE >> 8) + 16) + 4);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = 0x60; // version 01, independent blocks, no checksums, no content size
  out[5] = 0x40; // 64 KiB blocks
  out[6] = (xxh32(out, 4, 6) >>> 8) & 0xff;
  let pos = 7;
  const table = new Int32Array(1 << hashBits(Math.min(src.length, BLOCK_SIZE)));
  for (let start = 0; start < src.length; start += BLOCK_SIZE) {
    const end = Math.min(start + BLOCK_SIZE, src.length);
    table.fill(-1);
    const size = encodeBlock(src, start, end, out, pos + 4, table);
    if (size < end - start) {
      out.writeUInt32LE(size, pos);
      pos += 4 + size;
    } else {
      out.writeUInt32LE((end - start + 0x80000000) >>> 0, pos);
      src.copy(out, pos + 4, start, end);
      pos += 4 + end - start;
    }
  }
  out.writeUInt32LE(0, pos);
  return out.subarray(0, pos + 4);
}

function hashBits(n: number): number {
  return Math.min(16, Math.max(8, Math.ceil(Math.log2(Math.max(n, 2)))));
}

/** Greedy LZ4 block: a hash of each 4-byte sequence finds the last place it was seen. Returns the size written. */
function encodeBlock(src: Buffer, start: number, end: number, out: Buffer, outStart: number, table: Int32Array): number {
  const shift = 32 - Math.log2(table.length);
  const hash = (at: number) => Math.imul(src.readUInt32LE(at), 2654435761) >>> shift;
  let o = outStart;
  let anchor = start;
  let pos = start;
  const matchEnd = end - MATCH_LIMIT;
  const writeLength = (n: number) => {
    for (; n >= 255; n -= 255) {
      out[o++] = 255;
    }
    out[o++] = n;
  };
  const writeLiterals = (token: number, count: number) => {
    const tokenAt = o++;
    out[tokenAt] = (Math.min(count, 15) << 4) | token;
    if (count >= 15) {
      writeLength(count - 15);
    }
    src.copy(out, o, anchor, anchor + count);
    o += count;
    return tokenAt;
  };
  while (pos < matchEnd) {
    const h = hash(pos);
    const candidate = table[h];
    table[h] = pos;
    if (candidate < start || pos - candidate > 0xffff || src.readUInt32LE(candidate) !== src.readUInt32LE(pos)) {
      pos++;
      continue;
    }
    let length = MIN_MATCH;
    const limit = end - LAST_LITERALS;
    while (pos + length < limit && src[candidate + length] === src[pos + length]) {
      length++;
    }
    const tokenAt = writeLiterals(0, pos - anchor);
    out.writeUInt16LE(pos - candidate, o);
    o += 2;
    const extra = length - MIN_MATCH;
    out[tokenAt] |= Math.min(extra, 15);
    if (extra >= 15) {
      writeLength(extra - 15);
    }
    pos += length;
    anchor = pos;
  }
  writeLiterals(0, end - anchor);
  return o - outStart;
}

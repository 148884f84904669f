/**
 * Snappy as Kafka clients write it: librdkafka sends one raw snappy block, the Java client the xerial
 * framing (a 16-byte header, then length-prefixed blocks). Reading takes both; writing sends a raw block,
 * which both read. The block codec is snappyjs, loaded on first use.
 */

interface SnappyJs {
  compress(data: Uint8Array): Uint8Array;
  uncompress(data: Uint8Array, maxLength?: number): Uint8Array;
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function snappyjs(): SnappyJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first snappy batch
  return require('snappyjs') as SnappyJs;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function snappyDecompress(data: Buffer, maxLength: number): Buffer {
  const codec = snappyjs();
  if (data.length < XERIAL_HEADER || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return asBuffer(codec.uncompress(data, maxLength));
  }
  const blocks: Buffer[] = [];
  let total = 0;
  for (let pos = XERIAL_HEADER; pos < data.length; ) {
    if (pos + 4 > data.length) {
      throw new Error('snappy: truncated xerial block length');
    }
    const size = data.readInt32BE(pos);
    if (size < 0 || pos + 4 + size > data.length) {
      throw new Error('snappy: xerial block runs past the data');
    }
    const block = asBuffer(codec.uncompress(data.subarray(pos + 4, pos + 4 + size), maxLength - total));
    blocks.push(block);
    total += block.length;
    pos += 4 + size;
  }
  return Buffer.concat(blocks, total);
}

export function snappyCompress(data: Buffer): Buffer {
  return asBuffer(snappyjs().compress(data));
}

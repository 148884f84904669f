import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fc from 'fast-check';
import { compress, COMPRESSIONS, decompress } from '../../src/kafka/codecs';
import { lz4Compress, lz4Decompress } from '../../src/kafka/codecs/lz4';
import { snappyCompress, snappyDecompress } from '../../src/kafka/codecs/snappy';
import { xxh32 } from '../../src/kafka/codecs/xxh32';

const runs = Number(process.env.CKAFKA_FUZZ_RUNS ?? 2000);
const seed = process.env.CKAFKA_FUZZ_SEED === undefined ? undefined : Number(process.env.CKAFKA_FUZZ_SEED);

/** Bytes that compress: runs, repeats and text, as well as noise. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.constantFrom('order', 'paid', '{"id":', '1234567890', ' ', '\n', '你好'), { maxLength: 600 }).map((parts) => new TextEncoder().encode(parts.join(''))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 200_000 })).map(([byte, n]) => new Uint8Array(n).fill(byte)),
);

describe('compression codecs (src/kafka/codecs)', () => {
  it('xxh32 gives the reference values', () => {
    assert.strictEqual(xxh32(Buffer.from('')), 0x02cc5d05);
    assert.strictEqual(xxh32(Buffer.from('abc')), 0x32d153ff);
    assert.strictEqual(xxh32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f);
  });

  it('every codec gives back exactly what it was given', () => {
    fc.assert(
      fc.property(payload, fc.constantFrom(...COMPRESSIONS.filter((c) => c !== 'zstd')), (bytes, codec) => {
        const data = Buffer.from(bytes);
        assert.ok(decompress(COMPRESSIONS.indexOf(codec), compress(codec, data)).equals(data));
      }),
      { numRuns: runs, seed },
    );
  });

  it('lz4 frames are read and written as the lz4 command line tool does', function () {
    try {
      execFileSync('lz4', ['--version'], { stdio: 'ignore' });
    } catch {
      console.log('      skipped: no lz4 command on this machine (apt-get install lz4)');
      this.skip();
    }
    const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `{"orderId":${1e15 + i},"status":"${i % 3 ? 'paid' : 'new'}"}`).join('\n'));
    for (const flags of [[], ['--content-size', '-BD'], ['-B4', '--no-frame-crc'], ['-BX'], ['-9']]) {
      const framed = execFileSync('lz4', ['-q', '-c', ...flags], { input: text, maxBuffer: 1 << 26 });
      assert.ok(lz4Decompress(framed).equals(text), `lz4 ${flags.join(' ')}`);
    }
    assert.ok(execFileSync('lz4', ['-q', '-d', '-c'], { input: lz4Compress(text), maxBuffer: 1 << 26 }).equals(text));
  });

  it('lz4 refuses damaged frames with an Lz4Error, never garbage or a hang', () => {
    const frame = lz4Compress(Buffer.from('a fairly compressible text, a fairly compressible text, a fairly compressible text'.repeat(50)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: frame.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, xor, truncate) => {
        const damaged = truncate ? frame.subarray(0, at) : Buffer.from(frame);
        if (!truncate) {
          damaged[at] ^= xor;
        }
        try {
          const out = lz4Decompress(damaged);
          // A flip inside the data can still make a valid frame; it must then decode within the block bounds.
          assert.ok(out.length <= 64 * 1024 * 2);
        } catch (error) {
          assert.strictEqual((error as Error).name, 'Lz4Error', String(error));
        }
      }),
      { numRuns: runs, seed },
    );
    assert.throws(() => lz4Decompress(frame.subarray(0, frame.length - 4)), /truncated/);
    const badHeader = Buffer.from(frame);
    badHeader[6] ^= 1;
    assert.throws(() => lz4Decompress(badHeader), /descriptor checksum/);
  });

  it('snappy reads the raw form librdkafka writes and the xerial framing of the Java client', () => {
    const data = Buffer.from('snappy '.repeat(5000));
    assert.ok(snappyDecompress(snappyCompress(data), 1 << 20).equals(data));
    const halves = [data.subarray(0, 12_345), data.subarray(12_345)].map((part) => {
      const block = snappyCompress(part);
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      return Buffer.concat([length, block]);
    });
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.ok(snappyDecompress(Buffer.concat([header, ...halves]), 1 << 20).equals(data));
    assert.throws(() => snappyDecompress(Buffer.concat([header, halves[0].subarray(0, 10)]), 1 << 20), /xerial/);
    assert.throws(() => snappyDecompress(snappyCompress(data), 1000), /too big/);
  });

  it('refuses unknown compression types and decompression beyond the size limit', () => {
    assert.throws(() => decompress(6, Buffer.alloc(10)), /unknown compression type 6/);
    assert.throws(() => decompress(1, compress('gzip', Buffer.alloc(200 * 1024 * 1024))), /RangeError|Cannot create a Buffer|buffer/i);
  });
});

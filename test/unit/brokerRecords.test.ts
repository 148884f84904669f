import * as assert from 'assert';
import { crc32c } from '../broker/protocol/crc32c';
import { Reader, MalformedRequest } from '../broker/protocol/reader';
import { Writer } from '../broker/protocol/writer';

describe('local broker codec', () => {
  it('computes CRC-32C check values', () => {
    assert.strictEqual(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.strictEqual(crc32c(Buffer.alloc(32)), 0x8a9136aa);
    assert.strictEqual(crc32c(Buffer.alloc(0)), 0);
    const long = Buffer.from('The quick brown fox jumps over the lazy dog, again and again.');
    assert.strictEqual(crc32c(long, 5, 20), crc32c(long.subarray(5, 20)));
  });

  it('round-trips varints, including negatives and 64-bit magnitudes', () => {
    const values = [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31, -(2 ** 31), 2 ** 40 + 5, -(2 ** 50)];
    const w = new Writer();
    values.forEach((v) => w.varint(v));
    const r = new Reader(w.done());
    assert.deepStrictEqual(
      values.map(() => r.varint()),
      values,
    );
    assert.strictEqual(r.remaining, 0);
  });

  it('refuses to read past the end or an array longer than the frame', () => {
    assert.throws(() => new Reader(Buffer.from([0, 0, 0])).int32(), MalformedRequest);
    assert.throws(() => new Reader(Buffer.from([0, 0, 0, 100])).array((r) => r.int8()), MalformedRequest);
    assert.throws(() => new Reader(Buffer.from([0, 5, 97])).string(), MalformedRequest);
  });
});

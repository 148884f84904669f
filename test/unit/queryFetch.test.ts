import * as assert from 'assert';
import fc from 'fast-check';
import { canCompressZstd, COMPRESSIONS } from '../../src/kafka/codecs';
import { kafkajs } from '../../src/kafka/lib';
import { FetchFormatError, PartitionAnswer, readFetchAnswer, readRecordBatches, RecordReader, ScanRecord } from '../../src/kafka/query/fetch';

/**
 * Message Query's own reading of Fetch answers, against record batches written by kafkajs's encoder (an
 * independent implementation of the format), in every compression; and against damaged bytes.
 * CKAFKA_FUZZ_RUNS and CKAFKA_FUZZ_SEED as in fuzz.test.ts.
 */
const RUNS = Number(process.env.CKAFKA_FUZZ_RUNS ?? 10_000);
const SEED = process.env.CKAFKA_FUZZ_SEED === undefined ? undefined : Number(process.env.CKAFKA_FUZZ_SEED);
const params = { numRuns: Math.ceil(RUNS / 10), ...(SEED === undefined ? {} : { seed: SEED }) };

interface Rec {
  key: Buffer | null;
  value: Buffer | null;
  headers: { name: string; value: Buffer }[];
  timestampDelta: number;
}

type RecordBatchEncoder = (batch: {
  compression: number;
  firstOffset: unknown;
  firstTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
  records: unknown[];
}) => Promise<{ buffer: Buffer }>;
type RecordEncoder = (record: { offsetDelta: number; timestampDelta: number; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }) => unknown;

// kafkajs's own encoders, from its sources (tests only): they use the codec table lib.ts fills.
kafkajs();
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: RecordBatchEncoder };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder;
const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

const CODECS = COMPRESSIONS.map((_, i) => i).filter((i) => COMPRESSIONS[i] !== 'zstd' || canCompressZstd());

/** One batch as kafkajs writes it; headers grouped by name as kafkajs takes them (so in name order of first use). */
async function batch(records: Rec[], firstOffset: number, firstTimestamp: number, compression: number): Promise<Buffer> {
  const encoded = records.map((r, i) => {
    const headers: Record<string, Buffer | Buffer[]> = {};
    for (const h of r.headers) {
      const previous = headers[h.name];
      headers[h.name] = previous === undefined ? h.value : Array.isArray(previous) ? [...previous, h.value] : [previous, h.value];
    }
    return Record({ offsetDelta: i, timestampDelta: r.timestampDelta, key: r.key, value: r.value, headers });
  });
  const { buffer } = await RecordBatch({
    compression,
    firstOffset: Long.fromNumber(firstOffset),
    firstTimestamp,
    maxTimestamp: firstTimestamp + Math.max(0, ...records.map((r) => r.timestampDelta)),
    lastOffsetDelta: records.length - 1,
    records: encoded,
  });
  return buffer;
}

/** The headers in the order kafkajs writes them: grouped by name. */
function grouped(headers: Rec['headers']): { name: string; value: string }[] {
  const names = [...new Set(headers.map((h) => h.name))];
  return names.flatMap((n) => headers.filter((h) => h.name === n).map((h) => ({ name: n, value: h.value.toString('hex') })));
}

const bytes = fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), { nil: null });
const rec: fc.Arbitrary<Rec> = fc.record(
  {
    key: bytes,
    value: bytes,
    headers: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'trace-id', '状态'), value: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)) }, { noNullPrototype: true }), { maxLength: 3 }),
    timestampDelta: fc.integer({ min: 0, max: 2 ** 40 }),
  },
  { noNullPrototype: true },
);
const batches = fc.array(fc.tuple(fc.array(rec, { minLength: 1, maxLength: 6 }), fc.constantFrom(...CODECS)), { minLength: 1, maxLength: 4 });

async function encodeAll(list: [Rec[], number][], base: number, time: number): Promise<{ data: Buffer; all: (Rec & { offset: number; timestamp: number })[] }> {
  const parts: Buffer[] = [];
  const all: (Rec & { offset: number; timestamp: number })[] = [];
  let offset = base;
  for (const [records, codec] of list) {
    parts.push(await batch(records, offset, time, codec));
    records.forEach((r, i) => all.push({ ...r, offset: offset + i, timestamp: time + r.timestampDelta }));
    offset += records.length;
  }
  return { data: Buffer.concat(parts), all };
}

/** Every record a RecordReader reads from `answer`. */
function recordsOf(answer: PartitionAnswer): ScanRecord[] {
  const reader = new RecordReader(answer);
  const out: ScanRecord[] = [];
  while (reader.next()) {
    out.push(reader.snapshot());
  }
  return out;
}

function shown(answer: PartitionAnswer | 'legacy') {
  assert.notStrictEqual(answer, 'legacy');
  return recordsOf(answer as PartitionAnswer).map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key?.toString('hex') ?? null,
    value: r.value?.toString('hex') ?? null,
    headers: r.headers.map((h) => ({ name: h.name, value: h.value?.toString('hex') ?? '' })),
  }));
}

describe('query: reading Fetch answers', () => {
  it('reads every record of batches kafkajs wrote, in every compression, from the fetch offset to the end of the range', async () => {
    await fc.assert(
      fc.asyncProperty(batches, fc.nat({ max: 2 ** 40 }), fc.nat({ max: 30 }), fc.nat({ max: 30 }), async (list, base, skipFront, cutBack) => {
        const time = 1_700_000_000_000;
        const { data, all } = await encodeAll(list, base, time);
        const from = base + Math.min(skipFront, all.length);
        const end = Math.max(from, base + all.length - cutBack);
        const answer = readRecordBatches(7, data, from, end, base + all.length);
        const expected = all
          .filter((r) => r.offset >= from && r.offset < end)
          .map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key?.toString('hex') ?? null, value: r.value?.toString('hex') ?? null, headers: grouped(r.headers) }));
        assert.deepStrictEqual(shown(answer), expected);
        assert.strictEqual((answer as PartitionAnswer).next, base + all.length, 'goes on after the last batch');
      }),
      params,
    );
  });

  it('stops at a batch cut short by the size limit, and goes on from its start', async () => {
    const { data, all } = await encodeAll(
      [
        [[{ key: null, value: Buffer.from('one'), headers: [], timestampDelta: 0 }], 0],
        [[{ key: null, value: Buffer.from('two'), headers: [], timestampDelta: 1 }], 3],
      ],
      100,
      5,
    );
    const answer = readRecordBatches(0, data.subarray(0, data.length - 5), 100, 1000, 102) as PartitionAnswer;
    assert.deepStrictEqual(
      recordsOf(answer).map((r) => r.value?.toString()),
      ['one'],
    );
    assert.strictEqual(answer.next, 101);
    assert.strictEqual(all.length, 2);
    const nothing = readRecordBatches(0, data.subarray(0, 20), 100, 1000, 102) as PartitionAnswer;
    assert.deepStrictEqual([recordsOf(nothing).length, nothing.next, nothing.empty], [0, 100, true]);
  });

  it('names a batch it cannot decompress and reads the others; hands a legacy message set back', async () => {
    const good = await batch([{ key: null, value: Buffer.from('ok'), headers: [], timestampDelta: 0 }], 0, 0, 0);
    const bad = await batch([{ key: null, value: Buffer.from('x'.repeat(50)), headers: [], timestampDelta: 0 }], 1, 0, 3);
    bad.fill(0x5a, 61 + 4, bad.length - 4);
    const after = await batch([{ key: null, value: Buffer.from('after'), headers: [], timestampDelta: 0 }], 2, 0, 0);
    const answer = readRecordBatches(4, Buffer.concat([good, bad, after]), 0, 10, 3) as PartitionAnswer;
    assert.deepStrictEqual(
      recordsOf(answer).map((r) => r.value?.toString()),
      ['ok', 'after'],
    );
    assert.deepStrictEqual(
      answer.skipped.map((s) => [s.partition, s.firstOffset, s.lastOffset, s.compression]),
      [[4, 1, 1, 'lz4']],
    );
    const legacy = Buffer.from(good);
    legacy.writeInt8(1, 16);
    assert.strictEqual(readRecordBatches(0, legacy, 0, 10, 1), 'legacy');
  });

  it('reads a whole Fetch v4 answer: errors, watermarks, other topics left out', async () => {
    const data = await batch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestampDelta: 0 }], 5, 1000, 0);
    const topic = Buffer.from('orders');
    const parts: Buffer[] = [];
    const int = (n: number, size: 2 | 4 | 8) => {
      const b = Buffer.alloc(size);
      if (size === 2) {
        b.writeInt16BE(n);
      } else if (size === 4) {
        b.writeInt32BE(n);
      } else {
        b.writeBigInt64BE(BigInt(n));
      }
      return b;
    };
    parts.push(int(0, 4), int(1, 4), int(topic.length, 2), topic, int(2, 4));
    parts.push(int(0, 4), int(0, 2), int(6, 8), int(6, 8), int(-1, 4), int(data.length, 4), data);
    parts.push(int(1, 4), int(29, 2), int(-1, 8), int(-1, 8), int(-1, 4), int(-1, 4));
    const answer = readFetchAnswer(Buffer.concat(parts), 'orders', [
      { partition: 1, offset: 0, end: 10 },
      { partition: 0, offset: 5, end: 10 },
      { partition: 2, offset: 3, end: 10 },
    ]) as PartitionAnswer[];
    assert.deepStrictEqual(
      answer.map((a) => [a.partition, a.errorCode, a.highWatermark, recordsOf(a).length, a.next]),
      [
        [1, 29, -1, 0, 0],
        [0, 0, 6, 1, 6],
        [2, 0, -1, 0, 3],
      ],
    );
    assert.throws(() => readFetchAnswer(Buffer.concat(parts).subarray(0, 40), 'orders', [{ partition: 0, offset: 5, end: 10 }]), FetchFormatError);
  });

  it('never throws anything but FetchFormatError on damaged batches', async () => {
    const { data } = await encodeAll(
      [
        [
          [
            { key: Buffer.from('key'), value: Buffer.from('value'), headers: [{ name: 'h', value: Buffer.from('x') }], timestampDelta: 3 },
            { key: null, value: null, headers: [], timestampDelta: 0 },
          ],
          0,
        ],
        [[{ key: null, value: Buffer.from('z'.repeat(30)), headers: [], timestampDelta: 0 }], 3],
      ],
      0,
      0,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: data.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat({ max: data.length }), (changes, cut) => {
        const damaged = Buffer.from(data.subarray(0, Math.max(cut, 1)));
        for (const [at, b] of changes) {
          if (at < damaged.length) {
            damaged[at] = b;
          }
        }
        try {
          const answer = readRecordBatches(0, damaged, 0, 100, 3);
          if (answer !== 'legacy') {
            recordsOf(answer);
          }
        } catch (error) {
          assert.ok(error instanceof FetchFormatError, String(error));
        }
      }),
      { ...params, numRuns: RUNS },
    );
  });
});

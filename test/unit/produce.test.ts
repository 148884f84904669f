import * as assert from 'assert';
import { planBatches, PlanOptions } from '../../src/kafka/produce/plan';
import { OutgoingRecord, parseLines, parseRecord, RecordError } from '../../src/kafka/produce/records';
import { lineRanges } from '../../src/kafka/produce/send';
import { ValidationReason } from '../../src/kafka/validation';

async function refusesAt(fn: () => unknown, reason: ValidationReason, line: number): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => e instanceof RecordError && e.reason === reason && e.line === line,
  );
}

describe('produce: parsing', () => {
  it('keeps text as the value, with the run key when one is given', () => {
    assert.deepStrictEqual(parseRecord('a:b', 4, { format: 'text' }), { value: 'a:b', line: 4 });
    assert.deepStrictEqual(parseRecord('a:b', 4, { format: 'text', key: 'k' }), { key: 'k', value: 'a:b', line: 4 });
  });

  it('splits at the first key separator only, and keeps lines without one as values', () => {
    assert.deepStrictEqual(parseRecord('id-1::{"a":1}', 1, { format: 'text', keySeparator: '::' }), { key: 'id-1', value: '{"a":1}', line: 1 });
    assert.deepStrictEqual(parseRecord(':v', 1, { format: 'text', keySeparator: ':' }), { key: '', value: 'v', line: 1 });
    assert.deepStrictEqual(parseRecord('plain', 1, { format: 'text', keySeparator: ':' }), { value: 'plain', line: 1 });
  });

  it('reads JSON Lines fields, JSON values as their text and numeric keys as strings', () => {
    assert.deepStrictEqual(parseRecord('{"key":7,"value":{"x":[1]},"headers":{"h":"v"},"partition":3}', 2, { format: 'jsonl' }), {
      key: '7',
      value: '{"x":[1]}',
      headers: { h: 'v' },
      partition: 3,
      line: 2,
    });
    assert.deepStrictEqual(parseRecord('{"value":"v","key":null}', 2, { format: 'jsonl', key: 'run' }), { value: 'v', line: 2 });
  });

  it('refuses bad JSON Lines with a typed error naming the line', async () => {
    await refusesAt(() => parseRecord('{"value":', 9, { format: 'jsonl' }), 'record.json', 9);
    await refusesAt(() => parseRecord('[1,2]', 9, { format: 'jsonl' }), 'record.notObject', 9);
    await refusesAt(() => parseRecord('{"key":"k"}', 9, { format: 'jsonl' }), 'record.value', 9);
    await refusesAt(() => parseRecord('{"value":"v","key":{}}', 9, { format: 'jsonl' }), 'record.key', 9);
    await refusesAt(() => parseRecord('{"value":"v","headers":{"h":1}}', 9, { format: 'jsonl' }), 'record.headers', 9);
    await refusesAt(() => parseRecord('{"value":"v","partition":-1}', 9, { format: 'jsonl' }), 'record.partition', 9);
    await refusesAt(() => parseRecord('{"value":"v","partition":1.5}', 9, { format: 'jsonl' }), 'record.partition', 9);
  });

  it('numbers lines from the selection start, skips blank lines and strips CR', async () => {
    const records = await parseLines('a\r\n\n  \nb\nc', 10, { format: 'text' });
    assert.deepStrictEqual(
      records.map((r) => [r.line, r.value]),
      [
        [10, 'a'],
        [13, 'b'],
        [14, 'c'],
      ],
    );
  });

  it('reports the first bad line of many, and nothing else', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => (i === 4321 ? '{oops' : '{"value":"ok"}')).join('\n');
    await refusesAt(() => parseLines(text, 1, { format: 'jsonl' }), 'record.json', 4322);
  });
});

describe('produce: planning batches', () => {
  const options = (overrides: Partial<PlanOptions> = {}): PlanOptions => ({
    partitionCount: 3,
    maxMessageBytes: 10_000,
    partitionForKey: (key) => key.length % 3,
    firstStickyPartition: 0,
    ...overrides,
  });
  const records = (n: number, size = 50): OutgoingRecord[] => Array.from({ length: n }, (_, i) => ({ value: 'v'.repeat(size), line: i + 1 }));

  it('keeps every batch under the size limit and every record exactly once, in order per partition', async () => {
    const queues = await planBatches(records(1000), options());
    const batches = queues.flat();
    assert.ok(batches.length > 3, 'the records need several batches');
    assert.ok(batches.every((b) => b.bytes + 61 <= 10_000));
    const lines = batches.flatMap((b) => b.records.map((r) => r.line)).sort((a, b) => a - b);
    assert.deepStrictEqual(
      lines,
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    for (const queue of queues) {
      const order = queue.flatMap((b) => b.records.map((r) => r.line));
      assert.ok(order.every((l, i) => i === 0 || l > order[i - 1]));
    }
    assert.ok(
      queues.every((q) => q.length > 0),
      'keyless records spread over all partitions',
    );
  });

  it('caps the records per batch', async () => {
    const queues = await planBatches(records(100, 1), options({ maxRecordsPerBatch: 10 }));
    assert.ok(queues.flat().every((b) => b.records.length <= 10));
  });

  it('sends keyed records where the partitioner says, and explicit partitions as written', async () => {
    const input: OutgoingRecord[] = [
      { key: 'ab', value: 'x', line: 1 },
      { value: 'y', partition: 1, line: 2 },
      { key: 'abc', value: 'z', line: 3 },
    ];
    const queues = await planBatches(input, options());
    assert.deepStrictEqual(
      queues.map((q) => q.flatMap((b) => b.records.map((r) => r.line))),
      [[3], [2], [1]],
    );
  });

  it('refuses a record larger than any batch, and a partition the topic lacks, naming the line', async () => {
    await refusesAt(() => planBatches([...records(3), { value: 'x'.repeat(20_000), line: 4 }], options()), 'record.tooLarge', 4);
    await refusesAt(() => planBatches([{ value: 'x', partition: 3, line: 7 }], options()), 'record.partition', 7);
  });
});

describe('produce: line ranges', () => {
  it('folds consecutive lines and shortens long lists', () => {
    assert.strictEqual(lineRanges([5, 1, 2, 3, 9]), '1-3, 5, 9');
    assert.strictEqual(lineRanges([1, 3, 5, 7, 9, 11, 13]), '1, 3, 5, 7, 9, … (+2)');
  });
});

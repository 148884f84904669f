import * as assert from 'assert';
import { planBatches, PlanOptions } from '../../src/kafka/produce/plan';
import { parseLines, parseRecord } from '../../src/kafka/produce/parse';
import { OutgoingRecord, RecordError } from '../../src/kafka/produce/records';
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
    await refusesAt(() => parseRecord('{"value":"v","headers":[{"h":"1"}]}', 9, { format: 'jsonl' }), 'record.headers', 9);
    await refusesAt(() => parseRecord('{"value":"v","headers":7}', 9, { format: 'jsonl' }), 'record.headers', 9);
    await refusesAt(() => parseRecord('{"value":"v","headers":"h=1"}', 9, { format: 'jsonl' }), 'record.headers', 9);
    await refusesAt(() => parseRecord('{"value":"v","partition":-1}', 9, { format: 'jsonl' }), 'record.partition', 9);
    await refusesAt(() => parseRecord('{"value":"v","partition":1.5}', 9, { format: 'jsonl' }), 'record.partition', 9);
  });

  it('sends JSON Lines values, keys and header values exactly as written', () => {
    const jsonl = (text: string, key?: string) => parseRecord(text, 1, { format: 'jsonl', key });
    assert.deepStrictEqual(jsonl('{"key":12345678901234567890,"value":{"orderId":1234567890123456789,"price":1.10}}'), {
      key: '12345678901234567890',
      value: '{"orderId":1234567890123456789,"price":1.10}',
      line: 1,
    });
    assert.strictEqual(jsonl('{"value":1e400}').value, '1e400');
    assert.strictEqual(jsonl('{"value":-0}').value, '-0');
    assert.strictEqual(jsonl('{"value":-0.0E+00,"key":-0}').key, '-0');
    assert.strictEqual(jsonl('{"value":"\\u00e9"}').value, 'é', 'a JSON string is sent as its decoded text');
    assert.strictEqual(jsonl('{"value":"\\ud83d\\ude80 \\"q\\" \\\\ \\n"}').value, '🚀 "q" \\ \n');
    assert.strictEqual(jsonl('{"value":[[1,[2.50,[]]],[[ ]],[["\\u00e9"]]]}').value, '[[1,[2.50,[]]],[[ ]],[["\\u00e9"]]]', 'nested arrays, escapes inside kept');
    assert.strictEqual(jsonl('{"value":{"s":"}]\\"{[","n":[{}]},"key":1}').value, '{"s":"}]\\"{[","n":[{}]}', 'brackets inside strings do not end the value');
  });

  it('keeps the spacing inside a value and drops only the spacing around it', () => {
    const record = parseRecord(' {  "value" :\t{ "a" :\t[ 1 , 2.0 ] ,\r\n "b":"x\\ny" }  , "key"\n: true , "partition" : 0 } ', 3, { format: 'jsonl' });
    assert.deepStrictEqual(record, { value: '{ "a" :\t[ 1 , 2.0 ] ,\r\n "b":"x\\ny" }', key: 'true', partition: 0, line: 3 });
  });

  it('takes the last of duplicate names, as JSON.parse does, also when a name is written with escapes', () => {
    assert.deepStrictEqual(parseRecord('{"value":1,"key":"a","value":{"v":2.0},"key":3.0,"headers":{"h":1,"h":"2"}}', 1, { format: 'jsonl' }), {
      value: '{"v":2.0}',
      key: '3.0',
      headers: { h: '2' },
      line: 1,
    });
    assert.strictEqual(parseRecord('{"value":1.0,"v\\u0061lue":12.50}', 1, { format: 'jsonl' }).value, '12.50');
    assert.strictEqual(parseRecord('{"value":1.0,"valu":2,"value ":3}', 1, { format: 'jsonl' }).value, '1.0');
  });

  it('sends header values like values: strings decoded, anything else as written, a header named __proto__ too', () => {
    const record = parseRecord('{"value":"v","headers":{"n":1.10,"s":"\\u00e9","o":{"a" : [1]},"__proto__":"p"}}', 1, { format: 'jsonl' });
    assert.deepStrictEqual(record.headers, JSON.parse('{"n":"1.10","s":"é","o":"{\\"a\\" : [1]}","__proto__":"p"}'));
    assert.deepStrictEqual(Object.keys(record.headers ?? {}), ['n', 's', 'o', '__proto__']);
  });

  it('sends a null value as a tombstone, the rest of that record as bytes; refuses a null header value, naming it', async () => {
    assert.deepStrictEqual(parseRecord('{"key":"k","value":null,"headers":{"a":"1","e":""},"partition":2}', 5, { format: 'jsonl' }), {
      key: Buffer.from('k'),
      value: null,
      headers: { a: [Buffer.from('1')], e: [Buffer.alloc(0)] },
      partition: 2,
      line: 5,
    });
    assert.deepStrictEqual(parseRecord('{"value":"null","headers":{"h":"null"}}', 1, { format: 'jsonl' }), { value: 'null', headers: { h: 'null' }, line: 1 }, 'the JSON string "null" is text');
    for (const text of ['{"value":"v","headers":{"a":"1","nil":null}}', '{"value":"v","headers":[["a","1"],["nil",null]]}']) {
      await assert.rejects(
        async () => parseRecord(text, 4, { format: 'jsonl' }),
        (e: unknown) => e instanceof RecordError && e.reason === 'record.nullHeader' && e.value === 'nil' && e.line === 4,
      );
    }
  });

  it('reads base64 keys, values and header values where the record says so', () => {
    const record = parseRecord('{"key":"/w==","keyEncoding":"base64","value":"gAAB","valueEncoding":"base64","headers":{"bin":"AP8=","txt":"t"},"headerEncodings":{"bin":"base64"}}', 1, { format: 'jsonl' });
    assert.deepStrictEqual(record, { key: Buffer.from([0xff]), value: Buffer.from([0x80, 0, 1]), headers: { bin: [Buffer.from([0, 0xff])], txt: [Buffer.from('t')] }, line: 1 });
    assert.deepStrictEqual(parseRecord('{"value":"","valueEncoding":"base64"}', 1, { format: 'jsonl' }), { value: Buffer.alloc(0), line: 1 });
    assert.deepStrictEqual(parseRecord('{"value":"v","valueEncoding":null}', 1, { format: 'jsonl' }), { value: 'v', line: 1 }, 'a null encoding is text');
  });

  it('reads headers given as [name, value] pairs: a repeated name keeps every value in order, names in the order first seen', () => {
    const record = parseRecord('{"value":"v","headers":[["trace","aQ=="],["id","1"],["trace",""],["trace","/w=="]],"headerEncodings":{"trace":"base64"}}', 1, { format: 'jsonl' });
    assert.ok(record.headers && !Array.isArray(record.headers));
    assert.deepStrictEqual(Object.keys(record.headers), ['trace', 'id']);
    assert.deepStrictEqual(record.headers, { trace: [Buffer.from([0x69]), Buffer.alloc(0), Buffer.from([0xff])], id: [Buffer.from('1')] });
    assert.deepStrictEqual(parseRecord('{"value":"v","headers":[["a","1"],["b","2"]]}', 1, { format: 'jsonl' }), { value: 'v', headers: { a: '1', b: '2' }, line: 1 });
  });

  it('refuses an unknown encoding, bad base64 and headerEncodings naming no header, naming the line', async () => {
    const refuses = (text: string, reason: ValidationReason) => refusesAt(() => parseRecord(text, 7, { format: 'jsonl' }), reason, 7);
    await refuses('{"value":"v","valueEncoding":"hex"}', 'record.encoding');
    await refuses('{"value":"v","keyEncoding":"base64"}', 'record.encoding');
    await refuses('{"value":"v","headers":{"h":"x"},"headerEncodings":["h"]}', 'record.encoding');
    await refuses('{"value":"v","headers":{"h":"x"},"headerEncodings":{"h":"utf8"}}', 'record.encoding');
    await refuses('{"value":"v","headers":{"h":"eA=="},"headerEncodings":{"other":"base64"}}', 'record.encoding');
    await refuses('{"value":"a b","valueEncoding":"base64"}', 'record.base64');
    await refuses('{"value":"YQ","valueEncoding":"base64"}', 'record.base64');
    await refuses('{"value":{"a":1},"valueEncoding":"base64"}', 'record.base64');
    await refuses('{"key":"k!","keyEncoding":"base64","value":"v"}', 'record.base64');
    await refuses('{"value":"v","headers":{"h":"x y"},"headerEncodings":{"h":"base64"}}', 'record.base64');
    await refuses('{"value":"v","headers":[["h"]]}', 'record.headers');
    await refuses('{"value":"v","headers":[["h",1]]}', 'record.headers');
    await refuses('{"value":"v","headers":[[1,"x"]]}', 'record.headers');
  });

  it('sends a non-string key as its source text, and a null key as no key even with a run key', () => {
    assert.strictEqual(parseRecord('{"key":{"id" : 10.0},"value":"v"}', 1, { format: 'jsonl' }).key, '{"id" : 10.0}');
    assert.strictEqual(parseRecord('{"key":[1,"a"],"value":"v"}', 1, { format: 'jsonl', key: 'run' }).key, '[1,"a"]');
    assert.strictEqual(parseRecord('{"value":"v"}', 1, { format: 'jsonl', key: 'run' }).key, 'run');
    assert.strictEqual(parseRecord('{"value":"v","key":null}', 1, { format: 'jsonl', key: 'run' }).key, undefined);
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

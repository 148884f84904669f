import * as assert from 'assert';
import { parseRecord } from '../../src/kafka/produce/parse';
import { BytesRecord } from '../../src/kafka/produce/records';
import { checkQuery, QueryError, QueryRecord, QueryResults, QuerySpec, recordDocument, recordMessage, resolveBudget, rowMessage, toCsv, toJsonLines } from '../../src/kafka/query';
import { jsonLine } from '../../src/kafka/query/export';
import { planPartition } from '../../src/kafka/query/plan';

const u8 = (v: string | number[] | null) => (v === null ? null : new Uint8Array(typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)));
function record(partial: Partial<Omit<QueryRecord, 'key' | 'value'>> & { key?: string | number[] | null; value?: string | number[] | null; headers?: { name: string; value: Uint8Array | null }[] }): QueryRecord {
  return {
    partition: partial.partition ?? 0,
    offset: partial.offset ?? 0,
    timestamp: partial.timestamp ?? 1_764_000_000_000,
    key: u8(partial.key === undefined ? 'k' : partial.key),
    value: u8(partial.value === undefined ? 'v' : partial.value),
    headers: partial.headers ?? [],
    size: partial.size ?? 2,
  };
}

function refusedQuery(spec: QuerySpec, field: QueryError['field'], reason: QueryError['reason']): void {
  assert.throws(
    () => checkQuery(spec),
    (e: unknown) => e instanceof QueryError && e.field === field && e.reason === reason,
    JSON.stringify(spec),
  );
}

describe('query: what is checked before anything is read', () => {
  it('fills in the budget\'s defaults and refuses values out of bounds', () => {
    assert.deepStrictEqual(resolveBudget(), { records: 1_000_000, seconds: 60, results: 1000 });
    assert.deepStrictEqual(resolveBudget({ results: 100_000 }), { records: 1_000_000, seconds: 60, results: 100_000 });
    const newest = { kind: 'newest' as const, count: 1 };
    refusedQuery({ topic: 't', range: newest, budget: { results: 100_001 } }, 'budget.results', 'outOfBounds');
    refusedQuery({ topic: 't', range: newest, budget: { results: 0 } }, 'budget.results', 'outOfBounds');
    refusedQuery({ topic: 't', range: newest, budget: { seconds: 0.5 } }, 'budget.seconds', 'notWholeNumber');
    refusedQuery({ topic: 't', range: newest, budget: { records: -1 } }, 'budget.records', 'outOfBounds');
  });

  it('refuses an empty topic, reversed or negative ranges, and partitions given twice', () => {
    refusedQuery({ topic: ' ', range: { kind: 'newest', count: 1 } }, 'topic', 'empty');
    refusedQuery({ topic: 't', range: { kind: 'time', from: 2000, to: 1000 } }, 'range', 'fromAfterTo');
    refusedQuery({ topic: 't', range: { kind: 'offsets', from: -1 } }, 'range', 'outOfBounds');
    refusedQuery({ topic: 't', range: { kind: 'offsets', from: 0, byPartition: { 2: { from: 5, to: 4 } } } }, 'range', 'fromAfterTo');
    refusedQuery({ topic: 't', range: { kind: 'newest', count: 0 } }, 'range', 'outOfBounds');
    refusedQuery({ topic: 't', range: { kind: 'newest', count: 1 }, partitions: [1, 1] }, 'partitions', 'duplicate');
    refusedQuery({ topic: 't', range: { kind: 'newest', count: 1 }, partitions: [] }, 'partitions', 'empty');
    checkQuery({ topic: 't', range: { kind: 'time', from: 0, to: 0 }, partitions: [0, 2] });
  });

  it('turns each range into offsets inside the log, as it was when the query started', () => {
    const log = { partition: 3, low: 10, high: 50 };
    assert.deepStrictEqual(planPartition({ kind: 'time', from: 1, to: 2 }, { ...log, atFrom: 20, afterTo: 30 }), { start: 20, end: 30 });
    assert.deepStrictEqual(planPartition({ kind: 'time', from: 1, to: 2 }, { ...log, atFrom: 20, afterTo: -1 }), { start: 20, end: 50 }, 'nothing after `to`: up to the end');
    assert.deepStrictEqual(planPartition({ kind: 'time', from: 1 }, { ...log, atFrom: -1 }), { start: 50, end: 50 }, 'nothing at or after `from`');
    assert.deepStrictEqual(planPartition({ kind: 'offsets', from: 0, to: 99 }, log), { start: 10, end: 50 });
    assert.deepStrictEqual(planPartition({ kind: 'offsets', from: 0, byPartition: { 3: { from: 12, to: 12 } } }, log), { start: 12, end: 13 });
    assert.deepStrictEqual(planPartition({ kind: 'offsets', from: 60 }, log), { start: 50, end: 50 });
    assert.deepStrictEqual(planPartition({ kind: 'newest', count: 5 }, log), { start: 45, end: 50 });
    assert.deepStrictEqual(planPartition({ kind: 'newest', count: 500 }, log), { start: 10, end: 50 });
  });
});

describe('query: export', () => {
  it('writes JSON Lines that Produce Selection as Lines sends back byte for byte', () => {
    const cases: [QueryRecord, string][] = [
      [record({ key: 'order-1', value: '{"price":1.10,"id":12345678901234567890}', partition: 2, timestamp: 5 }), '{"key":"order-1","value":{"price":1.10,"id":12345678901234567890},"partition":2,"timestamp":5}'],
      [record({ key: null, value: 'plain text' }), '{"key":null,"value":"plain text","partition":0,"timestamp":1764000000000}'],
      [record({ value: '"quoted"' }), '{"key":"k","value":"\\"quoted\\"","partition":0,"timestamp":1764000000000}'],
      [record({ value: '{\n  "a": 1\n}' }), '{"key":"k","value":"{\\n  \\"a\\": 1\\n}","partition":0,"timestamp":1764000000000}'],
      [record({ value: ' 42' }), '{"key":"k","value":" 42","partition":0,"timestamp":1764000000000}'],
      [record({ value: 'x\u2028y' }), '{"key":"k","value":"x\\u2028y","partition":0,"timestamp":1764000000000}'],
      [record({ key: '12', value: 'null', headers: [{ name: 'h', value: u8('é') }] }), '{"key":"12","value":"null","headers":{"h":"é"},"partition":0,"timestamp":1764000000000}'],
    ];
    for (const [r, line] of cases) {
      assert.deepStrictEqual(jsonLine(r), { line, exact: true });
      const sent = parseRecord(line, 1, { format: 'jsonl' });
      assert.strictEqual(sent.value, Buffer.from(r.value ?? []).toString(), line);
      assert.strictEqual(sent.key, r.key === null ? undefined : Buffer.from(r.key).toString(), line);
    }
  });

  it('writes bytes, null keys and values, and repeated headers so that produce sends them back exactly', () => {
    const cases: [QueryRecord, string][] = [
      [
        record({ key: [0xff], value: [0x00, 0xfe], headers: [{ name: 'b', value: u8([0x80]) }, { name: 't', value: u8('t') }] }),
        '{"key":"/w==","keyEncoding":"base64","value":"AP4=","valueEncoding":"base64","headers":{"b":"gA==","t":"t"},"headerEncodings":{"b":"base64"},"partition":0,"timestamp":1764000000000}',
      ],
      [record({ value: null }), '{"key":"k","value":null,"partition":0,"timestamp":1764000000000}'],
      [
        record({ headers: [{ name: 'h', value: u8('1') }, { name: 'h', value: u8([0xc3]) }, { name: 'h', value: u8('') }, { name: 'z', value: u8('') }] }),
        '{"key":"k","value":"v","headers":[["h","MQ=="],["h","ww=="],["h",""],["z",""]],"headerEncodings":{"h":"base64"},"partition":0,"timestamp":1764000000000}',
      ],
    ];
    for (const [r, line] of cases) {
      assert.deepStrictEqual(jsonLine(r), { line, exact: true });
      const sent = parseRecord(line, 1, { format: 'jsonl' }) as BytesRecord;
      assert.deepStrictEqual(sent.value, r.value === null ? null : Buffer.from(r.value), line);
      assert.deepStrictEqual(sent.key, r.key === null ? undefined : Buffer.from(r.key), line);
      const found: Record<string, Buffer[]> = {};
      for (const h of r.headers) {
        (found[h.name] ??= []).push(Buffer.from(h.value ?? []));
      }
      assert.deepStrictEqual({ ...sent.headers }, found, line);
    }
  });

  it('counts the records whose header order produce would not keep, or that have a null header value', () => {
    assert.deepStrictEqual(jsonLine(record({ headers: [{ name: 'h', value: null }] })), { line: '{"key":"k","value":"v","headers":{"h":null},"partition":0,"timestamp":1764000000000}', exact: false }, 'written as found');
    assert.strictEqual(jsonLine(record({ headers: [{ name: 'h', value: u8('1') }, { name: 'i', value: u8('2') }, { name: 'h', value: u8('3') }] })).exact, false, 'a name again after another name');
    assert.strictEqual(jsonLine(record({ headers: [{ name: 'a', value: u8('1') }, { name: '7', value: u8('2') }] })).exact, false, 'a header name an object moves first');
    assert.strictEqual(jsonLine(record({ headers: [{ name: '7', value: u8('1') }, { name: 'a', value: u8('2') }, { name: 'a', value: u8('') }] })).exact, true);
    const { text, inexact } = toJsonLines([record({}), record({ headers: [{ name: 'b', value: u8('') }, { name: '0', value: u8('') }] }), record({ value: null }), record({ headers: [{ name: 'n', value: null }] })]);
    assert.strictEqual(text.split('\n').length, 5);
    assert.ok(text.endsWith('\n'));
    assert.strictEqual(inexact, 2);
  });

  it('writes CSV as RFC 4180 does, with binary data as base64:…', () => {
    const csv = toCsv([
      record({ key: 'a,b', value: 'say "hi"\nbye', headers: [{ name: 'h', value: u8('x') }], size: 17, offset: 9, partition: 1 }),
      record({ key: null, value: [0xff, 0x00], timestamp: -1, size: 2 }),
    ]);
    assert.strictEqual(
      csv,
      'partition,offset,timestamp,key,value,headers,size\r\n' +
        '1,9,2025-11-24T16:00:00.000Z,"a,b","say ""hi""\nbye","{""h"":""x""}",17\r\n' +
        '0,0,-1,,base64:/wA=,,2\r\n',
    );
  });
});

describe('query: results for a viewer', () => {
  const records = [
    record({ partition: 1, offset: 5, timestamp: 300, key: 'a' }),
    record({ partition: 0, offset: 7, timestamp: 100, key: 'b' }),
    record({ partition: 0, offset: 2, timestamp: 300, key: 'c' }),
    record({ partition: 2, offset: 1, timestamp: 200, key: 'd' }),
  ];

  it('orders rows by partition and offset, or by time, either way, and pages them', () => {
    const results = new QueryResults();
    results.add(records.slice(0, 2));
    assert.deepStrictEqual([...results.order('offset')], [1, 0]);
    results.add(records.slice(2));
    assert.strictEqual(results.size, 4);
    assert.deepStrictEqual([...results.order('offset')], [2, 1, 0, 3], 'the order follows records added later');
    assert.deepStrictEqual([...results.order('offset', true)], [3, 0, 1, 2]);
    assert.deepStrictEqual([...results.order('time')], [1, 3, 2, 0], 'equal times by partition and offset');
    assert.deepStrictEqual(
      results.rows('time', true, 1, 2).map((r) => [r.index, r.key]),
      [
        [2, 'c'],
        [3, 'd'],
      ],
    );
    assert.deepStrictEqual(results.rows('time', false, 3, 10).length, 1);
    assert.strictEqual(results.detail(9), undefined);
    assert.strictEqual(results.detail(3)?.key, Buffer.from('d').toString('base64'));
  });

  it('previews keys and values on one line, cut to 200 characters, binary as base64', () => {
    const long = 'é'.repeat(300);
    const row = rowMessage(record({ key: 'line\nbreak', value: long, headers: [{ name: 'h', value: null }] }), 4);
    assert.strictEqual(row.key, 'line\\nbreak');
    assert.strictEqual(row.value, 'é'.repeat(200));
    assert.deepStrictEqual([row.index, row.headerCount, row.keyBinary, row.valueBinary], [4, 1, false, false]);
    const cut = rowMessage(record({ value: `${'a'.repeat(199)}😀${'b'.repeat(10)}` }), 0);
    assert.strictEqual(cut.value, 'a'.repeat(199), 'never half of a surrogate pair');
    const binary = rowMessage(record({ key: null, value: [0xff, 0x00] }), 0);
    assert.deepStrictEqual([binary.key, binary.value, binary.valueBinary], [null, 'base64:/wA=', true]);
  });

  it('sends one record in full: base64 bytes, the text, and indented JSON when the value is JSON', () => {
    const json = recordMessage(record({ value: '{"a":[1,2]}', headers: [{ name: 'h', value: u8([0xff]) }] }), 2);
    assert.strictEqual(json.valueText, '{"a":[1,2]}');
    assert.strictEqual(json.valueJson, '{\n  "a": [\n    1,\n    2\n  ]\n}');
    assert.deepStrictEqual(json.headers, [{ name: 'h', value: '/w==' }]);
    const text = recordMessage(record({ value: 'hello' }), 0);
    assert.deepStrictEqual([text.valueText, text.valueJson], ['hello', null]);
    assert.strictEqual(recordMessage(record({ value: '42' }), 0).valueJson, null, 'a JSON number or string is shown as the text it is');
    const binary = recordMessage(record({ value: [0xc3, 0x28] }), 0);
    assert.deepStrictEqual([binary.valueText, binary.valueJson, binary.value], [null, null, 'wyg=']);
  });

  it('writes a record as an indented JSON document for Copy as JSON and Open in Editor', () => {
    const doc = JSON.parse(recordDocument('orders', record({ partition: 2, offset: 41, timestamp: 0, key: 'k1', value: '{"x":1}', headers: [{ name: 'b', value: u8([0xfe]) }], size: 9 })));
    assert.deepStrictEqual(doc, { topic: 'orders', partition: 2, offset: 41, timestamp: '1970-01-01T00:00:00.000Z', key: 'k1', headers: [{ name: 'b', value: { base64: '/g==' } }], size: 9, value: { x: 1 } });
    assert.strictEqual(JSON.parse(recordDocument('t', record({ value: 'not json' }))).value, 'not json');
  });
});

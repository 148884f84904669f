import * as assert from 'assert';
import { ConsumedRecord, DEFAULT_FORMAT, escapeControl, FormatOptions, formatRecord } from '../../src/kafka/format';

const TS = String(Date.UTC(2026, 10, 24, 8, 0, 0));

function record(value: Buffer | string | null, extra: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return { offset: '41', timestamp: TS, key: Buffer.from('k1'), value: typeof value === 'string' ? Buffer.from(value) : value, ...extra };
}

function one(r: ConsumedRecord, options: Partial<FormatOptions> = {}): string {
  const lines = formatRecord('orders', 2, r, { ...DEFAULT_FORMAT, ...options });
  assert.strictEqual(lines.length, 1, `one line: ${JSON.stringify(lines)}`);
  return lines[0];
}

/** Every character a line must never hold raw. */
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('formatRecord', () => {
  it('keeps the CKafka demo shape with key and time', () => {
    assert.strictEqual(one(record('hello')), 'Topic:[orders] Partition:[2] Offset:[41] Key:[k1] Timestamp:[2026-11-24T08:00:00.000Z] Value:[hello]');
  });

  it('shows a null key and a null value as empty', () => {
    assert.strictEqual(one(record(null, { key: null })), 'Topic:[orders] Partition:[2] Offset:[41] Key:[] Timestamp:[2026-11-24T08:00:00.000Z] Value:[]');
  });

  it('shows Chinese text as it is', () => {
    assert.match(one(record('订单已创建：你好')), /Value:\[订单已创建：你好\]$/);
  });

  it('escapes control characters, line breaks and Unicode separators so a record stays on one line', () => {
    const line = one(record('a\nb\r\nc\td\u0000e\u001bf\u007fg\u0085h\u2028i\u2029j'));
    assert.ok(line.endsWith('Value:[a\\nb\\r\\nc\\td\\x00e\\x1bf\\x7fg\\x85h\\u2028i\\u2029j]'), line);
    assert.doesNotMatch(line, RAW_CONTROL);
    assert.strictEqual(escapeControl('plain'), 'plain');
  });

  it('shows values that are not UTF-8 as base64 or hex, never as mojibake', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]);
    assert.match(one(record(bytes)), /Value:\[base64:\/\/4AQcM=\]$/);
    assert.match(one(record(bytes), { binaryEncoding: 'hex' }), /Value:\[hex:fffe0041c3\]$/);
    assert.match(one(record('v', { key: Buffer.from([0x80]) })), /Key:\[base64:gA==\]/);
  });

  it('truncates long values and notes the full length', () => {
    const line = one(record('x'.repeat(50)), { maxValueLength: 10, truncatedNote: { chars: ' [{0} chars]', bytes: ' [{0} bytes]' } });
    assert.ok(line.endsWith('Value:[xxxxxxxxxx [50 chars]]'), line);
    const binary = one(record(Buffer.alloc(100, 0xff)), { maxValueLength: 8, binaryEncoding: 'hex', truncatedNote: { chars: ' [{0} chars]', bytes: ' [{0} bytes]' } });
    assert.ok(binary.endsWith('Value:[hex:ffffffff [100 bytes]]'), binary);
    assert.match(one(record('y'.repeat(20)), { maxValueLength: 5 }), /Value:\[yyyyy… \(truncated, 20 chars\)\]$/);
  });

  it('never cuts a surrogate pair in two', () => {
    const line = one(record('ab😀cd'), { maxValueLength: 3, truncatedNote: { chars: '|', bytes: '|' } });
    assert.ok(line.endsWith('Value:[ab|]'), line);
  });

  it('prints headers when asked, escaped and binary-safe', () => {
    const r = record('v', { headers: { trace: Buffer.from('t-1'), multi: [Buffer.from('a'), Buffer.from('b\n')], bin: Buffer.from([0xff]) } });
    assert.doesNotMatch(one(r), /Headers/);
    assert.match(one(r, { showHeaders: true }), / Timestamp:\[[^\]]+\] Headers:\[trace=t-1, multi=a, multi=b\\n, bin=base64:\/w==\] Value:\[v\]$/);
  });

  it('prints an invalid timestamp as its number', () => {
    assert.match(one(record('v', { timestamp: '-1' })), /Timestamp:\[-1\]/);
  });

  it('json: one object per record with headers, parseable, binary and truncation marked', () => {
    const r = record(Buffer.from([0xff, 0x00]), { headers: { h: Buffer.from('v\u2028') } });
    const line = one(r, { format: 'json' });
    assert.doesNotMatch(line, RAW_CONTROL);
    assert.deepStrictEqual(JSON.parse(line), {
      topic: 'orders',
      partition: 2,
      offset: 41,
      timestamp: '2026-11-24T08:00:00.000Z',
      key: 'k1',
      headers: { h: 'v\u2028' },
      value: '/wA=',
      valueEncoding: 'base64',
    });
    const cut = JSON.parse(one(record('z'.repeat(30)), { format: 'json', maxValueLength: 4 })) as Record<string, unknown>;
    assert.strictEqual(cut.value, 'zzzz');
    assert.strictEqual(cut.valueTruncated, true);
    assert.strictEqual(cut.valueLength, 30);
    assert.strictEqual((JSON.parse(one(record(null, { key: null }), { format: 'json' })) as Record<string, unknown>).value, null);
    assert.strictEqual((JSON.parse(one(record('a\nb\u0085'), { format: 'json' })) as Record<string, unknown>).value, 'a\nb\u0085');
  });

  it('pretty: a JSON object value is indented under the record line; anything else is the text line', () => {
    const lines = formatRecord('orders', 2, record('{"id":1,"note":"a\\nb","tags":["x"]}'), { ...DEFAULT_FORMAT, format: 'pretty' });
    assert.deepStrictEqual(lines, [
      'Topic:[orders] Partition:[2] Offset:[41] Key:[k1] Timestamp:[2026-11-24T08:00:00.000Z] Value:',
      '  {',
      '    "id": 1,',
      '    "note": "a\\nb",',
      '    "tags": [',
      '      "x"',
      '    ]',
      '  }',
    ]);
    assert.strictEqual(one(record('not json {'), { format: 'pretty' }), one(record('not json {')));
    assert.strictEqual(one(record('{"broken":'), { format: 'pretty' }), one(record('{"broken":')));
    assert.strictEqual(one(record('42'), { format: 'pretty' }), one(record('42')));
  });

  it('never emits a raw control character in any format, whatever the bytes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      const text = Array.from({ length: 20 }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
      for (const value of [bytes, Buffer.from(text), Buffer.from(JSON.stringify({ text }))]) {
        for (const format of ['text', 'json', 'pretty'] as const) {
          const lines = formatRecord('t', 0, record(value, { headers: { h: value } }), { ...DEFAULT_FORMAT, format, showHeaders: true, maxValueLength: 30 });
          for (const line of lines) {
            assert.doesNotMatch(line, RAW_CONTROL, `${format}: ${JSON.stringify(line)}`);
          }
        }
      }
    }
  });
});

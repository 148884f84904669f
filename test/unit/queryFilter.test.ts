import * as assert from 'assert';
import { compileFilter, FilterError, FilterExpectation, FilterRecord, parseFilter, printFilter } from '../../src/kafka/query/filter';
import { unsafeRegexReason } from '../../src/kafka/query/filter/regex';

type Headers = Record<string, Buffer | null | Buffer[]>;
const headerList = (headers: Headers) => Object.entries(headers).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
const json = (value: unknown, key: string | null = null, headers: Headers = {}): FilterRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(JSON.stringify(value)),
  headers: headerList(headers),
});
const text = (value: string | Buffer | null, key: string | Buffer | null = null, headers: Headers = {}): FilterRecord => ({
  key: typeof key === 'string' ? Buffer.from(key) : key,
  value: typeof value === 'string' ? Buffer.from(value) : value,
  headers: headerList(headers),
});

/** The records of `records` (by index) that `filter` keeps. */
function kept(filter: string, records: FilterRecord[]): number[] {
  const match = compileFilter(parseFilter(filter));
  return records.flatMap((r, i) => (match(r) ? [i] : []));
}

function refused(filter: string, expected: FilterExpectation, position: number, found?: string): void {
  assert.throws(
    () => parseFilter(filter),
    (e: unknown) => {
      assert.ok(e instanceof FilterError, `${filter}: ${String(e)}`);
      assert.strictEqual(e.expected, expected, `${filter}: ${e.message}`);
      assert.strictEqual(e.position, position, `${filter}: ${e.message}`);
      if (found !== undefined) {
        assert.strictEqual(e.found, found, `${filter}: ${e.message}`);
      }
      return true;
    },
  );
}

describe('query filter: parsing', () => {
  it('reads the three examples of the issue as JSON field comparisons', () => {
    assert.deepStrictEqual(parseFilter('status = "paid"'), { kind: 'clause', target: { kind: 'field', path: ['status'] }, op: 'eq', negated: false, literal: { kind: 'string', value: 'paid' } });
    assert.deepStrictEqual(parseFilter('amount > 100'), { kind: 'clause', target: { kind: 'field', path: ['amount'] }, op: 'gt', negated: false, literal: { kind: 'number', text: '100' } });
    assert.deepStrictEqual(parseFilter('user.id = 42'), { kind: 'clause', target: { kind: 'field', path: ['user', 'id'] }, op: 'eq', negated: false, literal: { kind: 'number', text: '42' } });
  });

  it('reads keys, values, headers and paths in every spelling', () => {
    assert.deepStrictEqual(parseFilter("KEY Contains 'a'"), { kind: 'clause', target: { kind: 'key' }, op: 'contains', negated: false, literal: { kind: 'string', value: 'a' } });
    assert.deepStrictEqual(parseFilter('header["content-type"] not contains "json"'), parseFilter('headers.content-type not contains "json"'));
    assert.deepStrictEqual(parseFilter('value.items[2]["unit price"] >= 1.50'), {
      kind: 'clause',
      target: { kind: 'field', path: ['items', 2, 'unit price'] },
      op: 'ge',
      negated: false,
      literal: { kind: 'number', text: '1.50' },
    });
    assert.deepStrictEqual(parseFilter('value.key exists'), { kind: 'clause', target: { kind: 'field', path: ['key'] }, op: 'exists', negated: false });
    assert.deepStrictEqual(parseFilter('value ~ "a/b"'), parseFilter('value matches /a\\/b/'));
    assert.deepStrictEqual(parseFilter('订单.状态 = "已支付"'), { kind: 'clause', target: { kind: 'field', path: ['订单', '状态'] }, op: 'eq', negated: false, literal: { kind: 'string', value: '已支付' } });
    assert.strictEqual(parseFilter('   '), undefined);
  });

  it('binds not before and before or, and keeps parentheses', () => {
    const a = parseFilter('a = 1');
    const b = parseFilter('b = 2');
    const c = parseFilter('c = 3');
    assert.deepStrictEqual(parseFilter('a = 1 or b = 2 and c = 3'), { kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    assert.deepStrictEqual(parseFilter('(a = 1 or b = 2) and c = 3'), { kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
    assert.deepStrictEqual(parseFilter('not a = 1 and b = 2'), { kind: 'and', left: { kind: 'not', operand: a }, right: b });
  });

  it('prints one canonical spelling that parses back to the same filter', () => {
    const cases: [string, string][] = [
      ['KEY contains 42 AND (Value ~ "x/y" or header["trace id"] EXISTS)', 'key contains 42 and (value matches /x\\/y/ or header["trace id"] exists)'],
      ['a = 1 and (b = 2 and c = 3)', 'a = 1 and (b = 2 and c = 3)'],
      ['(a = 1 and b = 2) and c = 3', 'a = 1 and b = 2 and c = 3'],
      ['not (a = 1 or b != 2)', 'not (a = 1 or b != 2)'],
      ["value['and'] == 'it''s'".replace("''", "\\'"), 'value.and = "it\'s"'],
      ['value[0] !~ /^x/i', 'value[0] not matches /^x/i'],
      ['x = "\\u2028"', 'x = "\\u2028"'],
    ];
    for (const [input, printed] of cases) {
      assert.strictEqual(printFilter(parseFilter(input)), printed, input);
      assert.deepStrictEqual(parseFilter(printed), parseFilter(input), printed);
    }
  });

  it('refuses a bad filter with its position, what was expected and what was found', () => {
    refused('status =', 'literal', 8, '');
    refused('status = "paid', 'stringEnd', 14, '');
    refused('status "paid"', 'operator', 7, '"');
    refused('key < 3', 'textOperator', 4, '<');
    refused('key contains null', 'text', 13, 'null');
    refused('a = 1 b = 2', 'andOr', 6, 'b');
    refused('(a = 1', 'closeParen', 6, '');
    refused('and = 1', 'target', 0, 'and');
    refused('= 1', 'target', 0, '=');
    refused('header = "x"', 'name', 6);
    refused('value[x] = 1', 'name', 6, 'x');
    refused('value["a" = 1', 'closeBracket', 10, '=');
    refused('a = "\\q"', 'escape', 5, '\\q');
    refused('a = 01', 'literal', 4);
    refused('a = 1.', 'literal', 4);
    refused('value matches /abc', 'regexEnd', 18, '');
    refused('value matches /a(/', 'validRegex', 14);
    refused('value matches /a/g', 'regexFlags', 17, 'g');
    refused('value matches /a/ii', 'regexFlags', 17, 'ii');
    refused('value matches 42', 'regex', 14, '42');
    refused('value matches /(a+)+$/', 'safeRegex', 14);
    refused('value matches /(\\w*x){10}/', 'safeRegex', 14);
    refused('value matches /(a)\\1/', 'safeRegex', 14);
    refused('value matches /(?<n>a)\\k<n>/', 'safeRegex', 14);
    refused(`value matches /${'a'.repeat(1001)}/`, 'safeRegex', 14);
    refused('('.repeat(65) + 'a = 1' + ')'.repeat(65), 'smaller', 64);
    refused('a = 1 and '.repeat(1000) + 'a = 1', 'smaller', 10_000);
  });

  it('explains the error in English for the log', () => {
    assert.throws(() => parseFilter('status ='), /column 9: expected a string, a number, true, false or null, found the end of the filter/);
  });

  it('tells nested repetition apart from repetition next to repetition', () => {
    assert.strictEqual(unsafeRegexReason('(a+)+'), 'nestedRepetition');
    assert.strictEqual(unsafeRegexReason('(?:x*y)*'), 'nestedRepetition');
    assert.strictEqual(unsafeRegexReason('((ab)*c)+'), 'nestedRepetition');
    assert.strictEqual(unsafeRegexReason('[(a+)]+'), undefined);
    assert.strictEqual(unsafeRegexReason('\\(a+\\)+'), undefined);
    assert.strictEqual(unsafeRegexReason('(a+)?b*c+'), undefined);
    assert.strictEqual(unsafeRegexReason('(foo|bar)+\\d{2,4}'), undefined);
    assert.strictEqual(unsafeRegexReason('(\\u{41})+'), undefined);
    assert.strictEqual(unsafeRegexReason('(\\p{L}{2})+'), 'nestedRepetition');
  });
});

describe('query filter: matching', () => {
  const orders = [
    json({ status: 'paid', amount: 150, user: { id: 42, tags: ['vip', 'cn'] } }, 'order-1', { source: Buffer.from('web') }),
    json({ status: 'new', amount: 99.5, user: { id: 7 } }, 'order-2', { source: Buffer.from('app'), trace: null }),
    json({ status: 'paid', amount: 100, user: { id: 42 }, items: [{ sku: 'A-1' }, { sku: 'B-2' }] }, 'order-3'),
    text('not json at all', null),
    text(null, 'tombstone'),
  ];

  it('compares fields of a JSON value with literals of the same type', () => {
    assert.deepStrictEqual(kept('status = "paid"', orders), [0, 2]);
    assert.deepStrictEqual(kept('amount > 100', orders), [0]);
    assert.deepStrictEqual(kept('amount >= 100', orders), [0, 2]);
    assert.deepStrictEqual(kept('amount < 100', orders), [1]);
    assert.deepStrictEqual(kept('amount <= 99.50', orders), [1]);
    assert.deepStrictEqual(kept('user.id = 42', orders), [0, 2]);
    assert.deepStrictEqual(kept('user.id = "42"', orders), [], 'a string never equals a number');
    assert.deepStrictEqual(kept('status > "new"', orders), [0, 2], 'strings compare by code unit');
    assert.deepStrictEqual(kept('items[1].sku = "B-2"', orders), [2]);
    assert.deepStrictEqual(kept('user.tags contains "vip"', orders), [0], 'an array contains an element');
    assert.deepStrictEqual(kept('status contains "ai"', orders), [0, 2], 'a string contains a substring');
    assert.deepStrictEqual(kept('status matches /^n/', orders), [1]);
    assert.deepStrictEqual(kept('items exists', orders), [2]);
    assert.deepStrictEqual(kept('items not exists', orders), [0, 1, 3, 4]);
  });

  it('treats a missing field, a value that is not JSON and a null value alike: no comparison holds, every negation does', () => {
    assert.deepStrictEqual(kept('status != "paid"', orders), [1, 3, 4]);
    assert.deepStrictEqual(kept('not status = "paid"', orders), [1, 3, 4]);
    assert.deepStrictEqual(kept('status exists and status != "paid"', orders), [1]);
    assert.deepStrictEqual(kept('amount > -1000000', orders), [0, 1, 2]);
  });

  it('compares numbers as doubles, whatever their spelling', () => {
    const big = [text('{"id":12345678901234567890}'), text('{"id":1.5e3}'), text('{"id":-0}')];
    assert.deepStrictEqual(kept('id = 12345678901234567890', big), [0]);
    assert.deepStrictEqual(kept('id = 1500', big), [1]);
    assert.deepStrictEqual(kept('id = 0', big), [2]);
  });

  it('finds text in keys, values and headers as bytes', () => {
    assert.deepStrictEqual(kept('key contains "order"', orders), [0, 1, 2]);
    assert.deepStrictEqual(kept('key not contains "order"', orders), [3, 4], 'a null key contains nothing');
    assert.deepStrictEqual(kept('key = "order-2"', orders), [1]);
    assert.deepStrictEqual(kept('key != "order-2"', orders), [0, 2, 3, 4]);
    assert.deepStrictEqual(kept('key = null', orders), [3]);
    assert.deepStrictEqual(kept('value = null', orders), [4]);
    assert.deepStrictEqual(kept('value exists', orders), [0, 1, 2, 3]);
    assert.deepStrictEqual(kept('value contains "json at"', orders), [3]);
    assert.deepStrictEqual(kept('value contains 150', orders), [0], 'a number is its text');
    assert.deepStrictEqual(kept('header.source = "app"', orders), [1]);
    assert.deepStrictEqual(kept('header.source contains "e"', orders), [0]);
    assert.deepStrictEqual(kept('header.trace exists', orders), [1], 'a header with a null value exists');
    assert.deepStrictEqual(kept('header.trace = null', orders), [1]);
    assert.deepStrictEqual(kept('header.source not contains "a"', orders), [0, 2, 3, 4], 'a missing header contains nothing');
    assert.deepStrictEqual(kept('key matches /-[13]$/ and value contains "paid"', orders), [0, 2]);
    assert.deepStrictEqual(kept('key !~ /-[13]$/', orders), [1, 3, 4]);
  });

  it('matches any of the values of a header that repeats', () => {
    const r = text('v', 'k', { tag: [Buffer.from('a'), Buffer.from('b')] });
    assert.deepStrictEqual(kept('header.tag = "b"', [r]), [0]);
    assert.deepStrictEqual(kept('header.tag != "a"', [r]), []);
  });

  it('finds UTF-8 text as text, and runs regular expressions over other bytes read as Latin-1', () => {
    const records = [text(Buffer.from('é', 'utf8')), text(Buffer.from([0xff, 0x00, 0x61])), text(Buffer.from([0xc3, 0x28]))];
    assert.deepStrictEqual(kept('value matches /^.$/', records), [0], 'é is one character when the value is UTF-8');
    assert.deepStrictEqual(kept('value matches /^\\xff\\x00a$/', records), [1], 'bytes FF 00 61 are the characters ÿ, NUL, a');
    assert.deepStrictEqual(kept('value matches /^\\xc3\\($/', records), [2], 'invalid UTF-8 is read byte by byte');
    assert.deepStrictEqual(kept('value contains "é"', records), [0], 'contains looks for the UTF-8 bytes C3 A9');
    assert.deepStrictEqual(kept('value contains "\\u00ff"', records), [], 'ÿ in a filter is the UTF-8 bytes C3 BF, not FF');
  });

  it('combines clauses with and, or, not and parentheses', () => {
    assert.deepStrictEqual(kept('status = "new" or amount > 120 and user.id = 42', orders), [0, 1]);
    assert.deepStrictEqual(kept('(status = "new" or amount > 120) and user.id = 42', orders), [0]);
    assert.deepStrictEqual(kept('not (status = "new" or key = null)', orders), [0, 2, 4]);
    assert.deepStrictEqual(kept('', orders), [0, 1, 2, 3, 4], 'an empty filter keeps every record');
  });
});

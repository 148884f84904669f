import * as assert from 'assert';
import fc from 'fast-check';
import { parseRecord } from '../../src/kafka/produce/parse';
import { RecordError } from '../../src/kafka/produce/records';
import { csvRow, jsonLine } from '../../src/kafka/query/export';
import { Clause, compileFilter, FilterError, FilterNode, Literal, parseFilter, printFilter, Target } from '../../src/kafka/query/filter';
import { unsafeRegexReason } from '../../src/kafka/query/filter/regex';
import { QueryRecord } from '../../src/kafka/query/records';

/**
 * Property-based tests of the Message Query filter and exports (fast-check; CKAFKA_FUZZ_RUNS, default
 * 10,000, and CKAFKA_FUZZ_SEED as in fuzz.test.ts).
 */
const RUNS = Number(process.env.CKAFKA_FUZZ_RUNS ?? 10_000);
const SEED = process.env.CKAFKA_FUZZ_SEED === undefined ? undefined : Number(process.env.CKAFKA_FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** Pieces of the filter language and the characters that break lexers. */
const TOKENS = [
  'key', 'value', 'header', 'headers', 'and', 'or', 'not', 'contains', 'matches', 'exists', 'true', 'false', 'null', 'AND', 'Not',
  '=', '==', '!=', '<', '<=', '>', '>=', '~', '!~', '(', ')', '[', ']', '.', ',', '"', "'", '\\', '/', '/i', '/gu', ' ', '\t', '\n',
  '"paid"', "'x'", '"\\u00e9"', '"\\q"', '42', '-1.5e3', '01', '1.', '-', 'status', 'user.id', 'a-b', '订单', '$x', '_', '/(a+)+/',
  '/[/]/', '/a\\/b/', '/(/', '\ud800', '\u2028', '\u0000', '*', '+', '?', '{2}', '😀',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((parts) => parts.join(''));
const spacedSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 16 }).map((parts) => parts.join(' '));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), tokenSoup, spacedSoup, fc.string({ unit: fc.constantFrom(...'()[]"\'\\/=!<>~ .-az09'), maxLength: 60 }));

function parsedOrFilterError(text: string): FilterNode | undefined | FilterError {
  try {
    return parseFilter(text);
  } catch (error) {
    if (error instanceof FilterError) {
      assert.ok(error.position >= 0 && error.position <= text.length, `position ${error.position} in ${JSON.stringify(text)}`);
      return error;
    }
    throw error;
  }
}

// Filters built directly as trees, to check that printing and parsing are inverses.
const identifier = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,8}$/);
const name = fc.oneof(identifier, fc.string({ maxLength: 10 }), fc.constantFrom('and', 'key', 'value', 'NOT', 'a b', '0', '状态', '__proto__'));
const target: fc.Arbitrary<Target> = fc.oneof(
  fc.constant({ kind: 'key' as const }),
  fc.constant({ kind: 'value' as const }),
  name.map((n) => ({ kind: 'header' as const, name: n })),
  fc.array(fc.oneof(name, fc.nat({ max: 1000 })), { minLength: 1, maxLength: 4 }).map((path) => ({ kind: 'field' as const, path })),
);
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,5})?([eE][+-]?[0-9]{1,3})?$/),
);
const stringLiteral: fc.Arbitrary<Literal> = fc.string({ unit: 'binary', maxLength: 12 }).map((value) => ({ kind: 'string', value }));
const numberLiteral: fc.Arbitrary<Literal> = numberText.map((text) => ({ kind: 'number', text }));
const literal: fc.Arbitrary<Literal> = fc.oneof(stringLiteral, numberLiteral, fc.boolean().map((value) => ({ kind: 'boolean' as const, value })), fc.constant({ kind: 'null' as const }));
const SAFE_PATTERNS = ['abc', 'a.c', '^x', 'x$', '[a-z]+', '\\d{2,4}', 'a/b', '(foo|bar)', '\\w+@\\w+', '[/]', 'é', '\\x41', '\\u00e9', '.*', '\\\\', '[\\]/]'];
const regexSpecial = /[\\^$.*+?()[\]{}|]/g;
const pattern = fc.oneof(
  fc.constantFrom(...SAFE_PATTERNS),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => s.replace(/[\n\r\u2028\u2029]/g, '').replace(regexSpecial, '\\$&')),
);
const flags = fc.subarray(['i', 'm', 's', 'u']).map((f) => f.join(''));
const regex = fc.tuple(pattern, flags).filter(([p, f]) => {
  try {
    new RegExp(p, f);
    return unsafeRegexReason(p) === undefined;
  } catch {
    return false;
  }
});
const clause: fc.Arbitrary<Clause> = fc.oneof(
  fc.tuple(target, fc.boolean()).map(([t, negated]) => ({ kind: 'clause' as const, target: t, op: 'exists' as const, negated })),
  fc.tuple(target, fc.boolean(), regex).map(([t, negated, [p, f]]) => ({ kind: 'clause' as const, target: t, op: 'matches' as const, negated, regex: { pattern: p, flags: f } })),
  fc.tuple(target, fc.boolean(), literal).map(([t, negated, l]) => ({ kind: 'clause' as const, target: t, op: 'eq' as const, negated, literal: l })),
  fc.tuple(target, fc.boolean(), fc.oneof(stringLiteral, numberLiteral), literal).map(([t, negated, text, any]) => ({
    kind: 'clause' as const,
    target: t,
    op: 'contains' as const,
    negated,
    literal: t.kind === 'field' ? any : text,
  })),
  fc
    .tuple(fc.array(fc.oneof(name, fc.nat({ max: 1000 })), { minLength: 1, maxLength: 3 }), fc.constantFrom('lt' as const, 'le' as const, 'gt' as const, 'ge' as const), fc.oneof(stringLiteral, numberLiteral))
    .map(([path, op, l]) => ({ kind: 'clause' as const, target: { kind: 'field' as const, path }, op, negated: false, literal: l })),
);
const { node: filterTree } = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    clause,
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), tie('node'), tie('node')).map(([kind, left, right]) => ({ kind, left, right })),
    tie('node').map((operand) => ({ kind: 'not' as const, operand })),
  ),
}));

/** JSON text as programs write it: compact or indented, sometimes with spaces or a line break around it. */
const jsonText = fc
  .tuple(fc.constantFrom('', ' ', '\t', '\n', '\r\n'), fc.jsonValue(), fc.constantFrom(undefined, 2), fc.constantFrom('', ' ', '\n'))
  .map(([before, v, indent, after]) => before + JSON.stringify(v, null, indent) + after);
const bytesOrNull = fc.option(
  fc.oneof(
    fc.uint8Array({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 24 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    fc.jsonValue().map((v) => new Uint8Array(Buffer.from(JSON.stringify(v)))),
    jsonText.map((t) => new Uint8Array(Buffer.from(t))),
  ),
  { nil: null },
);
const headerArb = fc.record({ name: fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('a', 'b', '1', '__proto__')), value: bytesOrNull }, { noNullPrototype: true });
const queryRecord: fc.Arbitrary<QueryRecord> = fc.record(
  {
  partition: fc.nat({ max: 99 }),
  offset: fc.nat(),
  timestamp: fc.oneof(fc.constant(-1), fc.nat({ max: 4_000_000_000_000 })),
  key: bytesOrNull,
  value: bytesOrNull,
  headers: fc.array(headerArb, { maxLength: 4 }),
  size: fc.nat(),
  },
  { noNullPrototype: true },
);

/** A tiny RFC 4180 reader, to read rows back. */
function readCsvRow(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          field += line[i++];
        }
      }
    } else {
      while (i < line.length && line[i] !== ',') {
        field += line[i++];
      }
    }
    fields.push(field);
    if (i >= line.length) {
      return fields;
    }
    assert.strictEqual(line[i], ',', `a comma after a field in ${JSON.stringify(line)}`);
    i++;
  }
}

describe('fuzz: query filter', () => {
  it('parseFilter returns a filter or throws FilterError, never anything else', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        parsedOrFilterError(text);
      }),
      params,
    );
  });

  it('printing a parsed filter and parsing it again gives the same filter', () => {
    let filters = 0;
    fc.assert(
      fc.property(fc.oneof(anyText, filterTree.map(printFilter)), (text) => {
        const parsed = parsedOrFilterError(text);
        if (parsed !== undefined && !(parsed instanceof FilterError)) {
          filters++;
          assert.deepStrictEqual(parseFilter(printFilter(parsed)), parsed);
        }
      }),
      params,
    );
    assert.ok(filters > RUNS / 4, `only ${filters} of ${RUNS} texts were filters`);
  });

  it('every filter tree prints to text that parses back to that tree', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        const printed = printFilter(tree);
        let reparsed: FilterNode | undefined;
        try {
          reparsed = parseFilter(printed);
        } catch (error) {
          assert.fail(`${printed}: ${String(error)}`);
        }
        assert.deepStrictEqual(reparsed, tree, printed);
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('a compiled filter never throws, whatever the record holds', () => {
    fc.assert(
      fc.property(filterTree, queryRecord, (tree, r) => {
        const match = compileFilter(tree);
        const headers = r.headers.map((h) => ({ name: h.name, value: h.value === null ? null : Buffer.from(h.value) }));
        const result = match({ key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value), headers });
        assert.strictEqual(typeof result, 'boolean');
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('the regular-expression check never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...'()[]{},?*+|\\:<>=!k1ua'), maxLength: 40 })), (p) => {
        const reason = unsafeRegexReason(p);
        assert.ok(reason === undefined || ['nestedRepetition', 'backReference', 'tooLong'].includes(reason));
      }),
      params,
    );
  });
});

describe('fuzz: query exports', () => {
  it('a JSON Lines line is valid JSON that Produce Selection as Lines reads into the same bytes; only a header order it cannot keep or a null header value is not exact', () => {
    let exactLines = 0;
    const hex = (v: Uint8Array | string | null) => (v === null ? null : Buffer.from(v).toString('hex'));
    fc.assert(
      fc.property(queryRecord, (r) => {
        const { line, exact } = jsonLine(r);
        assert.ok(!/[\n\r\u2028\u2029\u0085]/.test(line), 'one line, with no character an editor breaks lines on');
        JSON.parse(line);
        if (r.headers.some((h) => h.value === null)) {
          assert.strictEqual(exact, false);
          assert.throws(() => parseRecord(line, 1, { format: 'jsonl' }), (e: unknown) => e instanceof RecordError && e.reason === 'record.nullHeader');
          return;
        }
        const sent = parseRecord(line, 1, { format: 'jsonl' });
        assert.strictEqual(sent.partition, r.partition);
        assert.strictEqual(hex(sent.value), hex(r.value), `value of ${line}`);
        assert.strictEqual(sent.key === undefined ? null : hex(sent.key), hex(r.key), `key of ${line}`);
        const sentHeaders = Object.entries(sent.headers ?? {}).flatMap(([name, v]) => ([] as (string | Buffer)[]).concat(v).map((x) => [name, hex(x)]));
        const found = r.headers.map((h) => [h.name, hex(h.value)]);
        // What kafkajs sends from an object: the values of one name together, names in the object's key order.
        const grouped = Object.keys(Object.fromEntries(found)).flatMap((name) => found.filter(([n]) => n === name));
        assert.deepStrictEqual(sentHeaders, grouped, `headers of ${line}`);
        assert.strictEqual(exact, JSON.stringify(grouped) === JSON.stringify(found), `exact for ${line}`);
        exactLines += exact ? 1 : 0;
      }),
      params,
    );
    assert.ok(exactLines > RUNS / 2, `only ${exactLines} of ${RUNS} lines were exact`);
  });

  it('a CSV row reads back into its seven fields', () => {
    fc.assert(
      fc.property(queryRecord, (r) => {
        const fields = readCsvRow(csvRow(r));
        assert.strictEqual(fields.length, 7);
        assert.deepStrictEqual([fields[0], fields[1], fields[6]], [String(r.partition), String(r.offset), String(r.size)]);
        const asText = (v: Uint8Array | null) => (v === null ? '' : Buffer.from(v).toString('utf8'));
        for (const [field, bytes] of [
          [fields[3], r.key],
          [fields[4], r.value],
        ] as const) {
          if (field.startsWith('base64:') && bytes !== null && !Buffer.from(bytes).toString('utf8').startsWith('base64:')) {
            assert.ok(Buffer.from(field.slice(7), 'base64').equals(Buffer.from(bytes)));
          } else {
            assert.strictEqual(field, asText(bytes));
          }
        }
        if (r.headers.length > 0) {
          JSON.parse(fields[5]);
        }
      }),
      params,
    );
  });
});

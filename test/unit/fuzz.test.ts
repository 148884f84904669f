import * as assert from 'assert';
import fc from 'fast-check';
import { joinSaslUsername, parseBootstrapServers, splitSaslUsername } from '../../src/kafka/connection';
import { BINARY_ENCODINGS, ConsumedRecord, FormatOptions, formatRecord, HeaderValue, RECORD_FORMATS } from '../../src/kafka/format';
import { parseOffsetSpec, parseTimestamp, startPositionFrom } from '../../src/kafka/position';
import { memberSources } from '../../src/kafka/produce/jsonSource';
import { parseLines, parseRecord } from '../../src/kafka/produce/parse';
import { RecordError } from '../../src/kafka/produce/records';
import { ValidationError } from '../../src/kafka/validation';

/**
 * Property-based tests: the parsers and the record formatter against random bytes and random strings.
 * A parser either returns a value or throws our ValidationError (or a subclass); anything else escaping is
 * a bug. CKAFKA_FUZZ_RUNS changes the number of cases (10,000 by default); CKAFKA_FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.CKAFKA_FUZZ_RUNS ?? 10_000);
const SEED = process.env.CKAFKA_FUZZ_SEED === undefined ? undefined : Number(process.env.CKAFKA_FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** Characters that break parsers: separators, quotes, brackets, whitespace, controls, surrogates, CJK. */
const TRICKY = fc.constantFrom(
  ...[':', ',', '#', '[', ']', '{', '}', '"', '\\', ' ', '\t', '\n', '\r', '\u0000', '\u0085', '\u2028', '\u00a0', '\u3000', '\ud800', '\udc00', '-', '.', '+', 'Z', 'T', '0', '9', 'e', '分', '前', 'a'],
);

/** Random strings of any length and content: whole code points, lone surrogates, bytes read as UTF-8 or Latin-1, tricky characters. */
const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 3, arbitrary: fc.string({ unit: TRICKY, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('utf8')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 5000 }) },
);

/** Calls fn; passes when it returns or throws a ValidationError, fails with the input otherwise. */
function typedOnly<T>(fn: () => T): T | ValidationError {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw error;
  }
}

async function typedOnlyAsync<T>(fn: () => Promise<T>): Promise<T | ValidationError> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw error;
  }
}

describe('fuzz: bootstrap servers and SASL user names', () => {
  /** Strings shaped like host:port lists, so the later checks of the parser are reached too. */
  const bootstrapLike = fc
    .array(fc.tuple(fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((h) => `[${h}]`), anyString), fc.oneof(fc.integer({ min: -5, max: 70_000 }).map(String), anyString)), { maxLength: 5 })
    .chain((entries) => fc.constantFrom(...[',', ' , ', ',,']).map((sep) => entries.map(([h, p]) => `${h}:${p}`).join(sep)));

  it('parseBootstrapServers returns host:port pairs or throws ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, bootstrapLike), (text) => {
        const result = typedOnly(() => parseBootstrapServers(text));
        if (!(result instanceof ValidationError)) {
          assert.ok(result.length > 0);
          for (const { host, port } of result) {
            assert.ok(Number.isInteger(port) && port >= 1 && port <= 65535, `port ${port}`);
            assert.ok(host.length > 0 && !/[\s,]/.test(host), `host ${JSON.stringify(host)}`);
          }
        }
      }),
      params,
    );
  });

  it('joinSaslUsername gives instanceId#user or throws ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.stringMatching(/^[a-z0-9-]{1,12}$/)), fc.oneof(anyString, fc.stringMatching(/^[a-z0-9#]{1,12}$/)), (id, user) => {
        const result = typedOnly(() => joinSaslUsername(id, user));
        if (typeof result === 'string') {
          const [instanceId, name] = splitSaslUsername(result);
          assert.match(instanceId, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
          assert.match(name, /^[\x21-\x22\x24-\x7e]+$/);
        }
      }),
      params,
    );
  });
});

describe('fuzz: produce parsers', () => {
  const jsonLike = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.record(
      { key: fc.jsonValue({ maxDepth: 1 }), value: fc.jsonValue({ maxDepth: 2 }), headers: fc.jsonValue({ maxDepth: 2 }), partition: fc.oneof(fc.integer(), fc.double(), fc.jsonValue({ maxDepth: 0 })) },
      { requiredKeys: [] },
    ).map((o) => JSON.stringify(o)),
    fc.dictionary(fc.constantFrom('key', 'value', 'headers', 'partition', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
    anyString,
  );

  it('parseRecord (jsonl) returns a record of text, or of bytes where it holds a null value, base64 or a repeated header, or throws ValidationError', () => {
    fc.assert(
      fc.property(jsonLike, fc.option(anyString, { nil: undefined }), (text, key) => {
        const result = typedOnly(() => parseRecord(text, 7, { format: 'jsonl', key }));
        if (!(result instanceof ValidationError)) {
          const headers = Object.entries(result.headers ?? {});
          if (typeof result.value === 'string') {
            assert.ok(result.key === undefined || typeof result.key === 'string');
            assert.ok(headers.every(([, value]) => typeof value === 'string'), 'a text record has text headers');
          } else {
            assert.ok(result.value === null || Buffer.isBuffer(result.value));
            assert.ok(result.key === undefined || Buffer.isBuffer(result.key));
            assert.ok(headers.every(([, values]) => Array.isArray(values) && values.every((v) => Buffer.isBuffer(v))), 'a bytes record has lists of bytes');
          }
          assert.ok(result.partition === undefined || (Number.isInteger(result.partition) && result.partition >= 0));
          assert.strictEqual(result.line, 7);
        }
      }),
      params,
    );
  });

  it('parseRecord (text, key separator) splits at the first separator and loses no character', () => {
    fc.assert(
      fc.property(anyString, fc.oneof(anyString, fc.constantFrom('', ':', '\t', '=>', '#')), (text, separator) => {
        const result = typedOnly(() => parseRecord(text, 1, { format: 'text', keySeparator: separator }));
        assert.ok(!(result instanceof ValidationError), 'text records are never refused');
        const at = separator === '' ? -1 : text.indexOf(separator);
        if (at < 0) {
          assert.deepStrictEqual(result, { value: text, line: 1 });
        } else {
          assert.strictEqual(result.key, text.slice(0, at));
          assert.ok(!result.key.includes(separator));
          assert.strictEqual(`${result.key}${separator}${result.value}`, text);
        }
      }),
      params,
    );
  });

  it('parseLines returns one record per non-blank line or throws ValidationError', async () => {
    const lines = fc.array(fc.oneof(jsonLike, anyString), { maxLength: 8 }).chain((parts) => fc.constantFrom('\n', '\r\n').map((eol) => parts.join(eol)));
    await fc.assert(
      fc.asyncProperty(fc.oneof(lines, anyString), fc.constantFrom('text', 'jsonl') as fc.Arbitrary<'text' | 'jsonl'>, fc.integer({ min: 1, max: 1_000_000 }), async (text, format, firstLine) => {
        const result = await typedOnlyAsync(() => parseLines(text, firstLine, { format, keySeparator: ':' }));
        if (!(result instanceof ValidationError)) {
          const nonBlank = text.split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '').length;
          assert.strictEqual(result.length, nonBlank);
          for (const r of result) {
            assert.ok(r.line >= firstLine);
            if (format === 'text') {
              assert.ok(typeof r.value === 'string' && typeof (r.key ?? '') === 'string', 'text lines give text records');
              assert.ok(!r.value.includes('\n') && !String(r.key ?? '').includes('\n'));
            }
          }
        }
      }),
      params,
    );
  });
});

describe('fuzz: JSON Lines keep the source text', () => {
  /** JSON source text written as people and programs write it: any spacing, big and odd numbers, every escape. */
  const space = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });
  const digits = (minLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength: 40 });
  const number = fc.oneof(
    fc
      .tuple(fc.boolean(), fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0)).map(([a, b]) => a + b)), fc.option(digits(1)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1))))
      .map(([minus, whole, fraction, exponent]) => `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : exponent.join('')}`),
    fc.constantFrom('1e400', '-1E+400', '-0', '-0.0e-0', '1.10', '12345678901234567890', '9007199254740993', '5e-324', '2.4e-400'),
  );
  const escape = fc.oneof(fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t'), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 4, maxLength: 4 }).map((h) => `\\u${h}`));
  const plain = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: TRICKY, maxLength: 8 })).map((t) => t.replace(/["\\\u0000-\u001f]/g, ''));
  const string = fc.array(fc.oneof(plain, escape), { maxLength: 6 }).map((parts) => `"${parts.join('')}"`);
  const name = fc.oneof(string, fc.constantFrom('"a"', '"\\u0061"', '""', '"__proto__"', '"value"'));
  const { value: jsonSource, object: objectSource } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ maxDepth: 4, depthIdentifier: 'json' }, number, string, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
    array: fc
      .tuple(space, fc.array(fc.tuple(space, tie('value'), space).map((t) => t.join('')), { maxLength: 4, depthIdentifier: 'json' }))
      .map(([inside, items]) => (items.length === 0 ? `[${inside}]` : `[${items.join(',')}]`)),
    object: fc
      .tuple(space, fc.array(fc.tuple(space, name, space, space, tie('value'), space).map(([a, n, b, c, v, d]) => `${a}${n}${b}:${c}${v}${d}`), { maxLength: 4, depthIdentifier: 'json' }))
      .map(([inside, members]) => (members.length === 0 ? `{${inside}}` : `{${members.join(',')}}`)),
  }));
  /** What a value, key or header value written as `source` must be sent as. */
  const sent = (source: string): string => (source.startsWith('"') ? (JSON.parse(source) as string) : source);

  it('a value, key and header value placed in a line come back as their exact source text (strings decoded, a null value as a tombstone, a null header refused)', () => {
    const member = (n: string, source: string, ws: string) => `${ws}${n}${ws}:${ws}${source}${ws}`;
    fc.assert(
      fc.property(jsonSource, jsonSource, jsonSource, fc.option(jsonSource, { nil: undefined }), space, fc.boolean(), fc.constantFrom('"value"', '"v\\u0061lue"'), (value, key, header, decoy, ws, keyFirst, valueName) => {
        const members = [member(valueName, value, ws), member('"key"', key, ws)];
        const line = `{${[...(decoy === undefined ? [] : [member('"value"', decoy, ws), member('"key"', decoy, ws)]), ...(keyFirst ? members.reverse() : members), member('"headers"', `{"h":${header}}`, ws)].join(',')}}`;
        if (header === 'null') {
          assert.throws(() => parseRecord(line, 1, { format: 'jsonl' }), (e: unknown) => e instanceof RecordError && e.reason === 'record.nullHeader', line);
          return;
        }
        const record = parseRecord(line, 1, { format: 'jsonl' });
        // A null value is a tombstone; the record then holds bytes.
        // Compared as the UTF-8 bytes kafkajs sends (a lone surrogate becomes U+FFFD either way).
        const utf8 = (v: string | Buffer | null | undefined) => (v === null || v === undefined ? v : Buffer.from(v).toString('hex'));
        const headerValues = ([] as (string | Buffer)[]).concat(record.headers?.h ?? []).map(utf8);
        assert.strictEqual(utf8(record.value), value === 'null' ? null : utf8(sent(value)), line);
        assert.strictEqual(utf8(record.key), key === 'null' ? undefined : utf8(sent(key)), line);
        assert.deepStrictEqual(headerValues, [utf8(sent(header))], line);
        assert.strictEqual(typeof record.value === 'string', value !== 'null', 'text unless the value is null');
      }),
      params,
    );
  });

  it('memberSources gives each member of any object as JSON.parse reads it, the last of duplicate names winning', () => {
    fc.assert(
      fc.property(objectSource, space, (text, ws) => {
        const source = `${ws}${text}${ws}`;
        const parsed = JSON.parse(source) as Record<string, unknown>;
        const members = memberSources(source);
        assert.deepStrictEqual([...members.keys()].sort(), Object.keys(parsed).sort(), source);
        for (const [n, member] of members) {
          assert.strictEqual(member, member.trim(), 'no spacing around a member');
          assert.deepStrictEqual(JSON.parse(member), parsed[n], `${n} of ${source}`);
        }
      }),
      params,
    );
  });
});

describe('fuzz: start positions', () => {
  const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
  const relative = fc
    .tuple(fc.oneof(fc.nat().map(String), fc.stringMatching(/^\d{1,400}(\.\d{1,3})?$/)), fc.constantFrom('', ' ', '  '), fc.constantFrom('s', 'minutes', 'hours', 'days', 'weeks', 'fortnights', '分钟', '小时'))
    .map(([n, space, unit]) => (/^[a-z]+$/.test(unit) ? `${n}${space}${unit} ago` : `${n}${unit}前`));
  const isoLike = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.option(fc.tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.stringMatching(/^\d{1,9}$/))),
      fc.constantFrom('', 'Z', '+08:00', '-0530', '+99:99'),
    )
    .map(([y, mo, d, time, zone]) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0');
      const t = time === null ? '' : `T${p(time[0])}:${p(time[1])}:${p(time[2])}.${time[3]}`;
      return `${p(y, 4)}-${p(mo)}-${p(d)}${t}${zone}`;
    });
  const offsetLike = fc.tuple(fc.oneof(fc.bigInt({ min: -1n, max: 2n ** 64n }).map(String), anyString), fc.option(fc.oneof(fc.bigInt({ min: -1n, max: 2n ** 32n }).map(String), anyString))).map(([o, p]) => (p === null ? o : `${p}:${o}`));

  it('parseTimestamp gives a finite, whole epoch time or throws ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, relative, isoLike, fc.stringMatching(/^\d{10,14}$/)), (text) => {
        const result = typedOnly(() => parseTimestamp(text, NOW));
        if (typeof result === 'number') {
          assert.ok(Number.isSafeInteger(result) && result >= 0, `${JSON.stringify(text)} gave ${result}`);
        }
      }),
      params,
    );
  });

  it('parseTimestamp reads a valid UTC ISO time as the JavaScript Date does, years 0000-9999 included (before 1970: 0)', () => {
    const valid = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    fc.assert(
      fc.property(valid, (date) => {
        const iso = date.toISOString();
        assert.strictEqual(parseTimestamp(iso, NOW), Math.max(0, date.getTime()), iso);
      }),
      params,
    );
  });

  it('parseOffsetSpec gives safe whole numbers or throws ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, offsetLike), (text) => {
        const result = typedOnly(() => parseOffsetSpec(text));
        if (!(result instanceof ValidationError)) {
          assert.ok(Number.isSafeInteger(result.offset) && result.offset >= 0);
          assert.ok(result.partition === undefined || (Number.isInteger(result.partition) && result.partition >= 0 && result.partition <= 2 ** 31 - 1));
        }
      }),
      params,
    );
  });

  it('startPositionFrom takes any command argument and gives a position or throws ValidationError', () => {
    const arg = fc.oneof(
      fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
      fc.record({ offset: fc.oneof(offsetLike, fc.integer(), fc.double()), partition: fc.option(fc.oneof(fc.integer(), anyString), { nil: undefined }) }, { requiredKeys: ['offset'] }),
      fc.record({ timestamp: fc.oneof(anyString, relative, isoLike, fc.double()) }),
      fc.constantFrom('earliest', 'latest'),
    );
    fc.assert(
      fc.property(arg, (value) => {
        const result = typedOnly(() => startPositionFrom(value, NOW));
        if (!(result instanceof ValidationError) && result.kind === 'timestamp') {
          assert.ok(Number.isSafeInteger(result.timestamp) && result.timestamp >= 0);
        }
      }),
      params,
    );
  });
});

describe('fuzz: record formatter', () => {
  /** Every character one output line must never hold raw. */
  const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    anyString.map((s) => Buffer.from(s, 'utf8')),
    fc.json({ maxDepth: 4, stringUnit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
    fc.jsonValue({ maxDepth: 3, stringUnit: fc.oneof(TRICKY, fc.constantFrom('\u007f', '\u0085', '\u009f', '\u2029')) }).map((v) => Buffer.from(` \n${JSON.stringify(v, null, 1)}`, 'utf8')),
  );
  const header: fc.Arbitrary<HeaderValue> = fc.oneof(bytes, anyString, fc.array(fc.oneof(bytes, anyString), { maxLength: 3 }), fc.constant(undefined));
  const consumed: fc.Arbitrary<ConsumedRecord> = fc.record({
    offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
    timestamp: fc.oneof(fc.integer({ min: -1, max: 2 ** 45 }).map(String), fc.constant('-1'), fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String)),
    key: fc.option(bytes),
    value: fc.option(bytes),
    headers: fc.option(fc.dictionary(anyString, header, { maxKeys: 4 }), { nil: undefined }),
  });
  const options: fc.Arbitrary<FormatOptions> = fc.record({
    format: fc.constantFrom(...RECORD_FORMATS),
    showHeaders: fc.boolean(),
    binaryEncoding: fc.constantFrom(...BINARY_ENCODINGS),
    maxValueLength: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20_000 })),
  });
  /** Topic names as Kafka allows them. */
  const topic = fc.stringMatching(/^[A-Za-z0-9._-]{1,249}$/);

  it('text and json give exactly one line per record, pretty gives lines; no line holds a raw control character', () => {
    fc.assert(
      fc.property(topic, fc.integer({ min: 0, max: 2 ** 31 - 1 }), consumed, options, (t, partition, record, format) => {
        const lines = typedOnly(() => formatRecord(t, partition, record, format));
        assert.ok(Array.isArray(lines), 'the formatter never throws');
        if (format.format !== 'pretty') {
          assert.strictEqual(lines.length, 1);
        }
        assert.ok(lines.length >= 1);
        for (const line of lines) {
          assert.doesNotMatch(line, RAW_CONTROL, JSON.stringify(line));
        }
        if (format.format === 'json') {
          const parsed = JSON.parse(lines[0]) as { offset: number; topic: string; partition: number };
          assert.strictEqual(parsed.topic, t);
          assert.strictEqual(parsed.partition, partition);
        } else {
          assert.ok(lines[0].startsWith(`Topic:[${t}] Partition:[${partition}] Offset:[${record.offset}] `));
        }
        if (format.format === 'pretty' && lines.length > 1) {
          // The pretty contract: the head line ends in `Value:`, the rest is the value's JSON, indented, and parses back.
          assert.ok(lines[0].endsWith(' Value:'), lines[0]);
          assert.ok(lines.slice(1).every((l) => l.startsWith('  ')));
          assert.deepStrictEqual(JSON.parse(lines.slice(1).join('\n')), JSON.parse((record.value as Buffer).toString('utf8')));
        }
      }),
      params,
    );
  });
});

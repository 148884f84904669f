import { memberSources } from './jsonSource';
import { BytesRecord, OutgoingRecord, RecordError, SendableRecord } from './records';

/** A key or header value as the JSON Lines record gives it: text, or bytes (base64). */
type Given = string | Buffer;

/**
 * A JSON Lines record. `value`, `key` and header values are sent as the user wrote them: a JSON string as its
 * decoded text, anything else as its exact source text (the digits of 12345678901234567890, the 1.10, the
 * spacing and escapes inside an object). JSON.parse validates the line; memberSources finds the source text.
 * `"keyEncoding":"base64"`, `"valueEncoding":"base64"` and `"headerEncodings":{"name":"base64"}` give bytes as
 * base64; a null value is a tombstone; headers may also be a list of `[name, value]` pairs, which allows a
 * name more than once. A null header value is refused: kafkajs cannot write one. Message Query's export writes
 * this shape.
 */
export function parseJsonRecord(text: string, line: number, runKey: string | undefined): SendableRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RecordError('record.json', (error as Error).message, line);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RecordError('record.notObject', text.slice(0, 80), line);
  }
  const fields = parsed as Record<string, unknown>;
  const sources = memberSources(text);
  const valueSource = sources.get('value');
  if (valueSource === undefined) {
    throw new RecordError('record.value', '', line);
  }
  const value = fields.value === null ? null : given(fields.value, valueSource, encoding(fields.valueEncoding, 'valueEncoding', line), 'value', line);
  const keySource = sources.get('key');
  const keyEncoding = encoding(fields.keyEncoding, 'keyEncoding', line);
  if (keyEncoding && keySource === undefined) {
    throw new RecordError('record.encoding', 'keyEncoding', line);
  }
  // `"key":null` is Kafka's null key: the record is sent without one, even when the run has a key.
  const key = keySource === undefined ? runKey : fields.key === null ? undefined : given(fields.key, keySource, keyEncoding, 'key', line);
  const headers = fields.headers === undefined || fields.headers === null ? undefined : jsonHeaders(fields.headers, sources.get('headers') as string, headerEncodings(fields.headerEncodings, line), line);
  let partition: number | undefined;
  if (fields.partition !== undefined && fields.partition !== null) {
    const p = fields.partition;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 0x7fffffff) {
      throw new RecordError('record.partition', JSON.stringify(p).slice(0, 80), line);
    }
    partition = p;
  }
  return shaped(value, key, headers, partition, line);
}

/**
 * The record as text when everything in it is text and each header name has one value (the common case),
 * and otherwise as bytes, where a null value and a repeated header name can be said.
 */
function shaped(value: Given | null, key: Given | undefined, headers: Map<string, Given[]> | undefined, partition: number | undefined, line: number): SendableRecord {
  const textHeaders = headers === undefined || [...headers.values()].every((values) => values.length === 1 && typeof values[0] === 'string');
  if (typeof value === 'string' && typeof key !== 'object' && textHeaders) {
    const record: OutgoingRecord = { value, line };
    if (key !== undefined) {
      record.key = key;
    }
    if (headers !== undefined) {
      record.headers = namedObject(headers, (values) => values[0] as string);
    }
    if (partition !== undefined) {
      record.partition = partition;
    }
    return record;
  }
  const asBytes = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  const record: BytesRecord = { value: value === null ? null : asBytes(value), line };
  if (key !== undefined) {
    record.key = asBytes(key);
  }
  if (headers !== undefined) {
    record.headers = namedObject(headers, (values) => values.map(asBytes));
  }
  if (partition !== undefined) {
    record.partition = partition;
  }
  return record;
}

/** An object of the map's entries in its order, each defined, not assigned, so that a header named __proto__ is a header like any other. */
function namedObject<T>(map: Map<string, Given[]>, valueOf: (values: Given[]) => T): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [name, values] of map) {
    Object.defineProperty(result, name, { value: valueOf(values), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** A JSON string is sent as its decoded text; any other JSON value as its source text. */
function asSent(parsed: unknown, source: string): string {
  return typeof parsed === 'string' ? parsed : source;
}

/** Standard base64 with its padding, nothing else (Buffer.from would skip any character it does not know). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A key, value or header value: its text as written, or the bytes its base64 string gives. */
function given(parsed: unknown, source: string, base64: boolean, what: string, line: number): string | Buffer {
  if (!base64) {
    return asSent(parsed, source);
  }
  if (typeof parsed !== 'string' || !BASE64.test(parsed)) {
    throw new RecordError('record.base64', `${what}: ${source.slice(0, 80)}`, line);
  }
  return Buffer.from(parsed, 'base64');
}

/** `keyEncoding` or `valueEncoding`: left out (or null) for text, or "base64". */
function encoding(value: unknown, field: string, line: number): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (value !== 'base64') {
    throw new RecordError('record.encoding', `${field}: ${JSON.stringify(value).slice(0, 80)}`, line);
  }
  return true;
}

/** `headerEncodings`: an object naming the headers whose values are base64, each as "base64". */
function headerEncodings(value: unknown, line: number): Set<string> {
  if (value === undefined || value === null) {
    return new Set();
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new RecordError('record.encoding', `headerEncodings: ${JSON.stringify(value).slice(0, 80)}`, line);
  }
  const names = new Set<string>();
  for (const [name, e] of Object.entries(value as Record<string, unknown>)) {
    if (e !== 'base64') {
      throw new RecordError('record.encoding', `headerEncodings.${name}: ${JSON.stringify(e).slice(0, 80)}`, line);
    }
    names.add(name);
  }
  return names;
}

/**
 * `headers`: an object whose values are sent as a record's value is (a name given twice keeps its last value,
 * as in JavaScript), or a list of `[name, value]` pairs with string values, where a name may come more than
 * once. Either way the values of one name stay in order and names go in the order first seen. A null value
 * is refused with its name: kafkajs cannot write a null header value, and sending another value would not be
 * what the line says.
 */
function jsonHeaders(headers: unknown, source: string, base64: Set<string>, line: number): Map<string, Given[]> {
  const result = new Map<string, Given[]>();
  // memberSources gives each name of an object once (its last value), so only pairs can repeat a name.
  const add = (name: string, parsed: unknown, valueSource: string) => {
    if (parsed === null) {
      throw new RecordError('record.nullHeader', name, line);
    }
    const value = given(parsed, valueSource, base64.has(name), `headers.${name}`, line);
    result.set(name, [...(result.get(name) ?? []), value]);
  };
  if (Array.isArray(headers)) {
    for (const pair of headers as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || (typeof pair[1] !== 'string' && pair[1] !== null)) {
        throw new RecordError('record.headers', JSON.stringify(pair).slice(0, 80), line);
      }
      add(pair[0], pair[1], JSON.stringify(pair[1]));
    }
  } else if (typeof headers === 'object' && headers !== null) {
    const parsed = headers as Record<string, unknown>;
    for (const [name, valueSource] of memberSources(source)) {
      add(name, parsed[name], valueSource);
    }
  } else {
    throw new RecordError('record.headers', source.slice(0, 80), line);
  }
  for (const name of base64) {
    if (!result.has(name)) {
      throw new RecordError('record.encoding', `headerEncodings.${name}`, line);
    }
  }
  return result;
}

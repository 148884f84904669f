import { isUtf8 } from 'buffer';

export type RecordFormat = 'text' | 'json' | 'pretty';
export type BinaryEncoding = 'base64' | 'hex';

export const RECORD_FORMATS: readonly RecordFormat[] = ['text', 'json', 'pretty'];
export const BINARY_ENCODINGS: readonly BinaryEncoding[] = ['base64', 'hex'];

/** A header value as kafkajs hands it over (several values when a key repeats). */
export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A consumed record: the fields of a kafkajs message that are shown. */
export interface ConsumedRecord {
  offset: string;
  /** Epoch milliseconds, as a string. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, HeaderValue>;
}

export interface FormatOptions {
  format: RecordFormat;
  showHeaders: boolean;
  /** How values that are not valid UTF-8 are shown. */
  binaryEncoding: BinaryEncoding;
  /** Longer keys, values and header values are cut to this many characters. */
  maxValueLength: number;
  /**
   * The note after a cut text value and after a cut binary one, `{0}` standing for the full length in
   * characters or bytes; the VS Code side localizes them. Plain text, so the options can go to a worker.
   */
  truncatedNote?: { chars: string; bytes: string };
}

export const DEFAULT_FORMAT: FormatOptions = { format: 'text', showHeaders: false, binaryEncoding: 'base64', maxValueLength: 10_000 };

const DEFAULT_TRUNCATED_NOTE = { chars: '… (truncated, {0} chars)', bytes: '… (truncated, {0} bytes)' };

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** What JSON.stringify leaves raw although an editor may break a line on it or show it as garbage. */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = c.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
}

/** Escapes control characters (\n, \r, \t, \xHH, \u2028…) so the text stays on one line. */
export function escapeControl(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, escapeChar) : text;
}

function jsonUnsafe(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A key, value or header value made printable: its text (escaped later), whether it was binary, and its full length. */
interface Shown {
  text: string;
  binary: boolean;
  /** Full length in characters (text) or bytes (binary) when it was cut. */
  cutFrom?: number;
}

function show(bytes: Buffer | string, options: FormatOptions): Shown {
  const max = Math.max(1, options.maxValueLength);
  if (typeof bytes === 'string' || isUtf8(bytes)) {
    const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
    if (text.length <= max) {
      return { text, binary: false };
    }
    // Never cut a surrogate pair in two.
    const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
    return { text: text.slice(0, end), binary: false, cutFrom: text.length };
  }
  const encoding = options.binaryEncoding;
  const maxBytes = encoding === 'hex' ? Math.max(1, Math.floor(max / 2)) : Math.max(3, Math.floor((max / 4) * 3));
  if (bytes.length <= maxBytes) {
    return { text: `${encoding}:${bytes.toString(encoding)}`, binary: true };
  }
  return { text: `${encoding}:${bytes.subarray(0, maxBytes).toString(encoding)}`, binary: true, cutFrom: bytes.length };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function textOf(shown: Shown, options: FormatOptions): string {
  const text = escapeControl(shown.text);
  if (shown.cutFrom === undefined) {
    return text;
  }
  const note = (options.truncatedNote ?? DEFAULT_TRUNCATED_NOTE)[shown.binary ? 'bytes' : 'chars'];
  return text + escapeControl(note.replace('{0}', String(shown.cutFrom)));
}

/** The record's time as ISO 8601 in UTC, or the raw number when it is not a valid time (-1 on old formats). */
export function formatTimestamp(timestamp: string): string {
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms >= 0 && ms <= 8.64e15 ? new Date(ms).toISOString() : timestamp;
}

function headerEntries(headers: ConsumedRecord['headers']): [string, Buffer | string][] {
  const out: [string, Buffer | string][] = [];
  for (const name of Object.keys(headers ?? {})) {
    const value = headers?.[name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) {
        out.push([name, v]);
      }
    }
  }
  return out;
}

function textLine(topic: string, partition: number, record: ConsumedRecord, options: FormatOptions, valueText: string): string {
  const key = record.key === null ? '' : textOf(show(record.key, options), options);
  let headers = '';
  if (options.showHeaders) {
    const entries = headerEntries(record.headers).map(([name, v]) => `${escapeControl(name)}=${textOf(show(v, options), options)}`);
    headers = ` Headers:[${entries.join(', ')}]`;
  }
  return `Topic:[${topic}] Partition:[${partition}] Offset:[${record.offset}] Key:[${key}] Timestamp:[${formatTimestamp(record.timestamp)}]${headers} Value:[${valueText}]`;
}

function jsonLine(topic: string, partition: number, record: ConsumedRecord, options: FormatOptions): string {
  const entry: Record<string, unknown> = { topic, partition, offset: Number(record.offset), timestamp: formatTimestamp(record.timestamp) };
  const put = (name: string, bytes: Buffer | string | null) => {
    if (bytes === null) {
      entry[name] = null;
      return;
    }
    const shown = show(bytes, options);
    entry[name] = shown.binary ? shown.text.slice(shown.text.indexOf(':') + 1) : shown.text;
    if (shown.binary) {
      entry[`${name}Encoding`] = options.binaryEncoding;
    }
    if (shown.cutFrom !== undefined) {
      entry[`${name}Truncated`] = true;
      entry[`${name}Length`] = shown.cutFrom;
    }
  };
  put('key', record.key);
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of headerEntries(record.headers)) {
    const text = show(v, options).text;
    const previous = headers[name];
    headers[name] = previous === undefined ? text : Array.isArray(previous) ? [...previous, text] : [previous, text];
  }
  entry.headers = headers;
  put('value', record.value);
  return JSON.stringify(entry).replace(JSON_UNSAFE, jsonUnsafe);
}

/** The value as indented JSON lines when it is a JSON object or array that was not cut; otherwise undefined. */
function prettyValue(value: Buffer | null, options: FormatOptions): string[] | undefined {
  if (value === null || value.length === 0 || value.length > options.maxValueLength) {
    return undefined;
  }
  const first = firstNonSpace(value);
  if (first !== 0x7b && first !== 0x5b) {
    return undefined; // not { or [
  }
  if (!isUtf8(value)) {
    return undefined;
  }
  const text = value.toString('utf8');
  if (text.length > options.maxValueLength) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return JSON.stringify(parsed, null, 2)
    .replace(JSON_UNSAFE, jsonUnsafe)
    .split('\n')
    .map((line) => `  ${line}`);
}

function firstNonSpace(bytes: Buffer): number | undefined {
  for (const b of bytes) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      return b;
    }
  }
  return undefined;
}

/**
 * One record as output lines. `text` and `json` give exactly one line; `pretty` gives the text line, or,
 * for a value that is a JSON object or array, the line ending in `Value:` followed by the indented JSON.
 * No line ever holds a raw control character or line break.
 *
 * text: `Topic:[orders] Partition:[2] Offset:[41] Key:[k1] Timestamp:[2026-11-24T08:00:00.000Z] Value:[...]`
 */
export function formatRecord(topic: string, partition: number, record: ConsumedRecord, options: FormatOptions): string[] {
  if (options.format === 'pretty') {
    const pretty = prettyValue(record.value, options);
    if (pretty) {
      const head = textLine(topic, partition, record, options, '');
      return [head.slice(0, head.length - 2), ...pretty];
    }
  }
  return [formatLine(topic, partition, record, options)];
}

/** One record as its one line in the `text` or `json` format (`pretty` is read as `text`). */
export function formatLine(topic: string, partition: number, record: ConsumedRecord, options: FormatOptions): string {
  if (options.format === 'json') {
    return jsonLine(topic, partition, record, options);
  }
  const value = record.value === null ? '' : textOf(show(record.value, options), options);
  return textLine(topic, partition, record, options, value);
}

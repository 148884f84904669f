import { isUtf8 } from 'buffer';
import { bytes, QueryRecord } from './records';

/**
 * Found records written out for other tools.
 *
 * JSON Lines: one object per record in the shape Produce Selection as Lines reads with
 * `ckafka.produce.format = jsonl` — `key`, `value`, `headers`, `partition` — plus `timestamp` (epoch
 * milliseconds), which produce ignores. Produce sends a JSON string as its text and any other JSON value as
 * its source text, so:
 * - a value that is JSON (not a JSON string) on one line, with nothing around it, is written as it is, and
 *   produce re-sends exactly those bytes; any other UTF-8 value is written as a JSON string, which produce
 *   also re-sends byte for byte;
 * - keys and header values are written as JSON strings; a null key and a null value (a tombstone) as
 *   `null`, which produce sends as the same nulls;
 * - bytes that are not UTF-8 are written as base64, with `"keyEncoding":"base64"`, `"valueEncoding":"base64"`,
 *   or the header's name in `"headerEncodings"` (then every value of that name is base64);
 * - headers are an object `{"name":"value"}`, or, when a name repeats, a list of `[name, value]` pairs.
 * Produce hands headers to kafkajs as an object, so it sends the values of one name together and names that
 * are array indices (`"1"`) first; and kafkajs cannot write a null header value, so produce refuses one. A
 * record whose headers were in another order, or that has a null header value (written as `null`, as found),
 * is still written, and the line is counted as not exact.
 *
 * CSV (RFC 4180, CRLF line ends, a header row): partition, offset, timestamp (ISO 8601, UTC), key, value,
 * headers (a JSON object), size. Keys, values and header values that are not UTF-8 are written
 * `base64:…`. For reading in a spreadsheet; JSON Lines is the format that goes back to Kafka.
 */

/** Characters JSON.stringify leaves raw although an editor may break a line on them or hide them. */
const EDITOR_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;
const RAW_UNSAFE = /[\n\r\u0085\u2028\u2029]/;

function jsonString(text: string): string {
  return JSON.stringify(text).replace(EDITOR_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether `text` can stand in a JSON Lines record as itself and come back from produce byte for byte. */
function isRawJson(text: string): boolean {
  if (text === '' || RAW_UNSAFE.test(text) || /^[ \t]|[ \t]$/.test(text)) {
    return false;
  }
  const first = text.charCodeAt(0);
  if (first === 0x22) {
    return false; // a JSON string would be sent as its decoded text, not with its quotes
  }
  if (text === 'null') {
    return false; // a null value is a tombstone; the text null is written as the string "null"
  }
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Text as a JSON string, or, with `base64`, its bytes as a base64 JSON string. */
function jsonBytes(view: Uint8Array, base64: boolean): string {
  return jsonString(bytes(view).toString(base64 ? 'base64' : 'utf8'));
}

/** Whether produce, which sends headers from an object, sends them in the order they were found. */
function keepsHeaderOrder(names: readonly string[]): boolean {
  const sent = Object.keys(Object.fromEntries(names.map((n) => [n, true]))).flatMap((name) => names.filter((n) => n === name));
  return sent.every((name, i) => name === names[i]);
}

/** One record as a JSON Lines line (no line break), and whether produce would re-send it exactly. */
export function jsonLine(record: QueryRecord): { line: string; exact: boolean } {
  const parts: string[] = [];
  if (record.key === null) {
    parts.push('"key":null');
  } else {
    const binary = !isUtf8(record.key);
    parts.push(`"key":${jsonBytes(record.key, binary)}`, ...(binary ? ['"keyEncoding":"base64"'] : []));
  }
  if (record.value === null) {
    parts.push('"value":null');
  } else if (isUtf8(record.value)) {
    const text = bytes(record.value).toString('utf8');
    parts.push(`"value":${isRawJson(text) ? text : jsonString(text)}`);
  } else {
    parts.push(`"value":${jsonBytes(record.value, true)}`, '"valueEncoding":"base64"');
  }
  if (record.headers.length > 0) {
    const names = record.headers.map((h) => h.name);
    const binary = new Set(record.headers.filter((h) => h.value !== null && !isUtf8(h.value)).map((h) => h.name));
    const value = (h: QueryRecord['headers'][number]) => (h.value === null ? 'null' : jsonBytes(h.value, binary.has(h.name)));
    if (new Set(names).size === names.length) {
      parts.push(`"headers":{${record.headers.map((h) => `${jsonString(h.name)}:${value(h)}`).join(',')}}`);
    } else {
      parts.push(`"headers":[${record.headers.map((h) => `[${jsonString(h.name)},${value(h)}]`).join(',')}]`);
    }
    if (binary.size > 0) {
      parts.push(`"headerEncodings":{${[...binary].map((name) => `${jsonString(name)}:"base64"`).join(',')}}`);
    }
  }
  parts.push(`"partition":${record.partition}`, `"timestamp":${record.timestamp}`);
  const exact = keepsHeaderOrder(record.headers.map((h) => h.name)) && record.headers.every((h) => h.value !== null);
  return { line: `{${parts.join(',')}}`, exact };
}

/** Records as a JSON Lines text (each line ending in \n), and how many lines produce would not re-send exactly. */
export function toJsonLines(records: readonly QueryRecord[]): { text: string; inexact: number } {
  let inexact = 0;
  const lines = records.map((r) => {
    const { line, exact } = jsonLine(r);
    if (!exact) {
      inexact++;
    }
    return `${line}\n`;
  });
  return { text: lines.join(''), inexact };
}

export const CSV_COLUMNS = ['partition', 'offset', 'timestamp', 'key', 'value', 'headers', 'size'] as const;

/** A field as RFC 4180 writes it: in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvText(view: Uint8Array | null): string {
  if (view === null) {
    return '';
  }
  return isUtf8(view) ? bytes(view).toString('utf8') : `base64:${bytes(view).toString('base64')}`;
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) && ms >= 0 && ms <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** One record as a CSV row, without the line end. */
export function csvRow(record: QueryRecord): string {
  const headers = record.headers.length === 0 ? '' : `{${record.headers.map((h) => `${JSON.stringify(h.name)}:${h.value === null ? 'null' : JSON.stringify(csvText(h.value))}`).join(',')}}`;
  return [String(record.partition), String(record.offset), isoTime(record.timestamp), csvText(record.key), csvText(record.value), headers, String(record.size)].map(csvField).join(',');
}

/** Records as CSV: the header row, then one row per record, every line ending in CRLF. */
export function toCsv(records: readonly QueryRecord[]): string {
  return [CSV_COLUMNS.join(','), ...records.map(csvRow)].map((line) => `${line}\r\n`).join('');
}

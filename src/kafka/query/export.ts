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
 * - keys and header values are written as JSON strings; a null key as `null` (produce then sends none);
 * - what produce cannot send back exactly is still written, and the line is counted as not exact: a value,
 *   key or header value that is not UTF-8 (written as base64 text, with `"valueEncoding":"base64"`,
 *   `"keyEncoding":"base64"` or the header's name in `"headerEncodings"`), a null value (a tombstone; written
 *   as `null`, which produce would send as the text null), a null header value, a header name that
 *   repeats (produce keeps the last), and header names a JavaScript object would reorder (`"1"` before `"a"`).
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
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One record as a JSON Lines line (no line break), and whether produce would re-send it exactly. */
export function jsonLine(record: QueryRecord): { line: string; exact: boolean } {
  let exact = true;
  const parts: string[] = [];
  if (record.key === null) {
    parts.push('"key":null');
  } else if (isUtf8(record.key)) {
    parts.push(`"key":${jsonString(bytes(record.key).toString('utf8'))}`);
  } else {
    parts.push(`"key":${jsonString(bytes(record.key).toString('base64'))}`, '"keyEncoding":"base64"');
    exact = false;
  }
  if (record.value === null) {
    parts.push('"value":null');
    exact = false;
  } else if (isUtf8(record.value)) {
    const text = bytes(record.value).toString('utf8');
    parts.push(`"value":${isRawJson(text) ? text : jsonString(text)}`);
  } else {
    parts.push(`"value":${jsonString(bytes(record.value).toString('base64'))}`, '"valueEncoding":"base64"');
    exact = false;
  }
  if (record.headers.length > 0) {
    const seen = new Set<string>();
    const binary: string[] = [];
    const members = record.headers.map((h) => {
      if (seen.has(h.name)) {
        exact = false;
      }
      seen.add(h.name);
      let value: string;
      if (h.value === null) {
        value = 'null';
        exact = false;
      } else if (isUtf8(h.value)) {
        value = jsonString(bytes(h.value).toString('utf8'));
      } else {
        value = jsonString(bytes(h.value).toString('base64'));
        binary.push(`${jsonString(h.name)}:"base64"`);
        exact = false;
      }
      return `${jsonString(h.name)}:${value}`;
    });
    const names = record.headers.map((h) => h.name);
    if (Object.keys(Object.fromEntries(names.map((n) => [n, true]))).join('\0') !== names.join('\0')) {
      exact = false; // produce keeps headers in an object, where names such as "1" come first
    }
    parts.push(`"headers":{${members.join(',')}}`);
    if (binary.length > 0) {
      parts.push(`"headerEncodings":{${binary.join(',')}}`);
    }
  }
  parts.push(`"partition":${record.partition}`, `"timestamp":${record.timestamp}`);
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

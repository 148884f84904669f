import { isUtf8 } from 'buffer';
import { escapeControl, formatTimestamp } from '../format';
import { bytes, QueryRecord } from './records';

/**
 * The found records of one query, kept on the extension host's side, and what a viewer is sent of them:
 * rows (short previews, for a virtualised table) a page at a time, and one record in full when selected.
 */

export type ResultOrder = 'offset' | 'time';

/** One table row: previews only, so that a page of rows stays small whatever the records hold. */
export interface RowMessage {
  /** The record's place in QueryResults.records; a viewer asks for details by it. */
  index: number;
  partition: number;
  offset: number;
  timestamp: number;
  /** Control characters escaped, cut to PREVIEW_CHARS; `base64:…` when not UTF-8; null for a null key. */
  key: string | null;
  value: string | null;
  keyBinary: boolean;
  valueBinary: boolean;
  size: number;
  headerCount: number;
}

/** One record in full: bytes as base64, and the value's text and pretty JSON when it has them. */
export interface RecordMessage {
  index: number;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { name: string; value: string | null }[];
  size: number;
  /** The value as UTF-8 text, or null when it is null or not UTF-8 (show it as hex). */
  valueText: string | null;
  /** The value indented as JSON when it is a JSON object or array; null otherwise. */
  valueJson: string | null;
}

export const PREVIEW_CHARS = 200;

function preview(view: Uint8Array | null): { text: string | null; binary: boolean } {
  if (view === null) {
    return { text: null, binary: false };
  }
  if (isUtf8(view)) {
    // 4 bytes a character at most: enough bytes for PREVIEW_CHARS characters, however the text is made.
    const text = bytes(view).toString('utf8', 0, Math.min(view.length, PREVIEW_CHARS * 4));
    let end = Math.min(text.length, PREVIEW_CHARS);
    if (end < text.length && text.charCodeAt(end - 1) >= 0xd800 && text.charCodeAt(end - 1) <= 0xdbff) {
      end--; // never half of a surrogate pair
    }
    return { text: escapeControl(text.slice(0, end)), binary: false };
  }
  return { text: `base64:${bytes(view).subarray(0, Math.ceil(PREVIEW_CHARS / 4) * 3).toString('base64')}`, binary: true };
}

export function rowMessage(record: QueryRecord, index: number): RowMessage {
  const key = preview(record.key);
  const value = preview(record.value);
  return {
    index,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: key.text,
    value: value.text,
    keyBinary: key.binary,
    valueBinary: value.binary,
    size: record.size,
    headerCount: record.headers.length,
  };
}

const base64 = (view: Uint8Array | null) => (view === null ? null : bytes(view).toString('base64'));

function prettyJson(text: string): string | null {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') {
    return null;
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

export function recordMessage(record: QueryRecord, index: number): RecordMessage {
  const valueText = record.value !== null && isUtf8(record.value) ? bytes(record.value).toString('utf8') : null;
  return {
    index,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: base64(record.key),
    value: base64(record.value),
    headers: record.headers.map((h) => ({ name: h.name, value: base64(h.value) })),
    size: record.size,
    valueText,
    valueJson: valueText === null ? null : prettyJson(valueText),
  };
}

function readable(view: Uint8Array | null): unknown {
  if (view === null) {
    return null;
  }
  return isUtf8(view) ? bytes(view).toString('utf8') : { base64: bytes(view).toString('base64') };
}

/**
 * A record as an indented JSON document, for Copy as JSON and Open in Editor: a JSON value is shown as
 * JSON, text as a string, and bytes that are not UTF-8 as `{ "base64": … }`.
 */
export function recordDocument(topic: string, record: QueryRecord): string {
  const valueText = record.value !== null && isUtf8(record.value) ? bytes(record.value).toString('utf8') : undefined;
  let value: unknown = readable(record.value);
  if (valueText !== undefined && prettyJson(valueText) !== null) {
    value = JSON.parse(valueText) as unknown;
  }
  const doc = {
    topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: formatTimestamp(String(record.timestamp)),
    key: readable(record.key),
    headers: record.headers.map((h) => ({ name: h.name, value: readable(h.value) })),
    size: record.size,
    value,
  };
  return JSON.stringify(doc, null, 2);
}

/** The records of one query as they arrive, with their orders cached until more arrive. */
export class QueryResults {
  readonly records: QueryRecord[] = [];
  private readonly orders = new Map<string, Uint32Array>();

  add(records: readonly QueryRecord[]): void {
    for (const r of records) {
      this.records.push(r);
    }
    this.orders.clear();
  }

  get size(): number {
    return this.records.length;
  }

  /** Indexes of the records by partition and offset, or by time (then partition and offset). */
  order(by: ResultOrder, descending = false): Uint32Array {
    const key = `${by}:${descending}`;
    let order = this.orders.get(key);
    if (!order) {
      const r = this.records;
      const sign = descending ? -1 : 1;
      const byOffset = (a: number, b: number) => r[a].partition - r[b].partition || r[a].offset - r[b].offset;
      const compare = by === 'offset' ? byOffset : (a: number, b: number) => r[a].timestamp - r[b].timestamp || byOffset(a, b);
      order = Uint32Array.from(r.keys()).sort((a, b) => sign * compare(a, b));
      this.orders.set(key, order);
    }
    return order;
  }

  /** Rows `start` to `start + count` in the given order. */
  rows(by: ResultOrder, descending: boolean, start: number, count: number): RowMessage[] {
    const order = this.order(by, descending);
    return Array.from(order.subarray(Math.max(0, start), Math.max(0, start + count)), (i) => rowMessage(this.records[i], i));
  }

  detail(index: number): RecordMessage | undefined {
    const record = this.records[index];
    return record === undefined ? undefined : recordMessage(record, index);
  }
}

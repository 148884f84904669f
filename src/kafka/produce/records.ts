import { ValidationError, ValidationReason } from '../validation';
import { memberSources } from './jsonSource';

/** One message to send, and the editor line it came from (1-based) so errors can point at it. */
export interface OutgoingRecord {
  value: string;
  key?: string;
  headers?: Record<string, string>;
  /** An explicit partition; otherwise the key, or the sticky spread of keyless records, decides. */
  partition?: number;
  line: number;
}

/** A record whose key, value and header values are bytes, sent as they are (a found record sent again). */
export interface BytesRecord {
  /** Null for a tombstone. */
  value: Buffer | null;
  key?: Buffer;
  /** Every value of each header name, in the order found (Kafka allows a name more than once); null for a null value. */
  headers?: Record<string, (Buffer | null)[]>;
  partition?: number;
  /** Its place in what is sent (1-based), for the report. */
  line: number;
}

/** What the sender takes: records parsed from text, or records as bytes. */
export type SendableRecord = OutgoingRecord | BytesRecord;

/** `text`: the text is the value. `jsonl`: `{"key":…,"value":…,"headers":{…},"partition":n}`. */
export type ProduceFormat = 'text' | 'jsonl';

export interface ParseOptions {
  format: ProduceFormat;
  /** For `text`: split each message at the first occurrence into key and value. Empty or undefined: off. */
  keySeparator?: string;
  /** A key for every message of this run; a `jsonl` record's own key wins. */
  key?: string;
}

/** A message the parser refused, with the editor line it starts on. */
export class RecordError extends ValidationError {
  constructor(
    reason: ValidationReason,
    value: string,
    readonly line: number,
  ) {
    super(reason, value);
    this.message = `line ${line}: ${this.message}`;
  }
}

/** Turns one message's text into a record, following the format and the key options. */
export function parseRecord(text: string, line: number, options: ParseOptions): OutgoingRecord {
  if (options.format === 'jsonl') {
    return parseJsonRecord(text, line, options.key);
  }
  const separator = options.keySeparator;
  if (separator) {
    const at = text.indexOf(separator);
    if (at >= 0) {
      return { key: text.slice(0, at), value: text.slice(at + separator.length), line };
    }
  }
  return options.key === undefined ? { value: text, line } : { key: options.key, value: text, line };
}

/**
 * A JSON Lines record. `value`, `key` and header values are sent as the user wrote them: a JSON string as its
 * decoded text, anything else as its exact source text (the digits of 12345678901234567890, the 1.10, the
 * spacing and escapes inside an object). JSON.parse validates the line; memberSources finds the source text.
 */
function parseJsonRecord(text: string, line: number, runKey: string | undefined): OutgoingRecord {
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
  const value = sources.get('value');
  if (value === undefined) {
    throw new RecordError('record.value', '', line);
  }
  const record: OutgoingRecord = { value: asSent(fields.value, value), line };
  const key = sources.get('key');
  if (key === undefined) {
    if (runKey !== undefined) {
      record.key = runKey;
    }
  } else if (fields.key !== null) {
    // `"key":null` is Kafka's null key: the record is sent without one, even when the run has a key.
    record.key = asSent(fields.key, key);
  }
  if (fields.headers !== undefined && fields.headers !== null) {
    record.headers = jsonHeaders(fields.headers, sources.get('headers') as string, line);
  }
  if (fields.partition !== undefined && fields.partition !== null) {
    const p = fields.partition;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 0x7fffffff) {
      throw new RecordError('record.partition', JSON.stringify(p).slice(0, 80), line);
    }
    record.partition = p;
  }
  return record;
}

/** A JSON string is sent as its decoded text; any other JSON value as its source text. */
function asSent(parsed: unknown, source: string): string {
  return typeof parsed === 'string' ? parsed : source;
}

/** `headers` is an object; each value is sent as a record's value is. */
function jsonHeaders(headers: unknown, source: string, line: number): Record<string, string> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new RecordError('record.headers', source.slice(0, 80), line);
  }
  const parsed = headers as Record<string, unknown>;
  const result: Record<string, string> = {};
  for (const [name, value] of memberSources(source)) {
    // Defined, not assigned, so that a header named __proto__ is a header like any other.
    Object.defineProperty(result, name, { value: asSent(parsed[name], value), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** Lines handled between two yields to the event loop: well under 50 ms of work on a slow machine. */
const LINES_PER_SLICE = 2000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Each non-empty line of `text` is one record; `firstLine` is the editor line (1-based) of the text's start.
 * Works in slices and yields between them, so 100,000 lines never block the extension host. A bad line
 * throws a RecordError before anything is returned, so nothing of the run is sent.
 */
export async function parseLines(text: string, firstLine: number, options: ParseOptions, isCancelled: () => boolean = () => false): Promise<OutgoingRecord[]> {
  const records: OutgoingRecord[] = [];
  let start = 0;
  let line = firstLine;
  while (start <= text.length) {
    for (let i = 0; i < LINES_PER_SLICE && start <= text.length; i++, line++) {
      let end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length;
      }
      const content = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
      if (content.trim() !== '') {
        records.push(parseRecord(content, line, options));
      }
      start = end + 1;
    }
    if (isCancelled()) {
      return [];
    }
    await yieldToLoop();
  }
  return records;
}

/** Bytes the record adds to a record batch, counted as the broker counts them, plus a little for varints. */
export function recordSize(record: SendableRecord): number {
  let size = 21 + (record.value === null ? 0 : Buffer.byteLength(record.value)) + (record.key === undefined ? 0 : Buffer.byteLength(record.key));
  for (const name in record.headers) {
    const values: readonly (string | Buffer | null)[] = ([] as (string | Buffer | null)[]).concat((record.headers as Record<string, string | (Buffer | null)[]>)[name]);
    for (const value of values) {
      size += 10 + Buffer.byteLength(name) + (value === null ? 0 : Buffer.byteLength(value));
    }
  }
  return size;
}

/** What a record batch costs besides its records. */
export const BATCH_OVERHEAD = 61;

/** Throws for the first record that can never fit into a batch under `maxMessageBytes`. */
export function checkSizes(records: readonly OutgoingRecord[], maxMessageBytes: number): void {
  for (const record of records) {
    const size = recordSize(record) + BATCH_OVERHEAD;
    if (size > maxMessageBytes) {
      throw new RecordError('record.tooLarge', `${size}/${maxMessageBytes}`, record.line);
    }
  }
}

import { ValidationError, ValidationReason } from '../validation';

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
  /** Every value of each header name, in the order found (Kafka allows a name more than once). kafkajs cannot write a null header value. */
  headers?: Record<string, Buffer[]>;
  partition?: number;
  /** Its place in what is sent (1-based), for the report. */
  line: number;
}

/** What the sender takes: records parsed from text, or records as bytes. */
export type SendableRecord = OutgoingRecord | BytesRecord;

/** `text`: the text is the value. `jsonl`: `{"key":…,"value":…,"headers":{…},"partition":n}` (see parseJsonRecord). */
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
export function checkSizes(records: readonly SendableRecord[], maxMessageBytes: number): void {
  for (const record of records) {
    const size = recordSize(record) + BATCH_OVERHEAD;
    if (size > maxMessageBytes) {
      throw new RecordError('record.tooLarge', `${size}/${maxMessageBytes}`, record.line);
    }
  }
}

/** A header of a found record; a name can repeat, and a value can be null. */
export interface QueryHeader {
  name: string;
  value: Uint8Array | null;
}

/** A record a query found, as plain data: it crosses from the worker thread by structured clone. */
export interface QueryRecord {
  partition: number;
  offset: number;
  /** Epoch milliseconds (-1 when the record has none). */
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** In the order the record holds them. */
  headers: QueryHeader[];
  /** Bytes of the key, the value, and each header's name and value. */
  size: number;
}

/** A record as the scan decodes it: views into a Fetch answer (see fetch.ts). */
export interface ScannedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { name: string; value: Buffer | null }[];
}

/**
 * Copies found records out of the Fetch answers they were read from, into one new ArrayBuffer that can be
 * transferred to the main thread without copying again. (A view into a Fetch answer would drag the whole
 * answer along with it.)
 */
export function packRecords(found: readonly { partition: number; record: ScannedRecord }[]): { records: QueryRecord[]; buffer: ArrayBuffer } {
  let total = 0;
  for (const { record } of found) {
    total += (record.key?.length ?? 0) + (record.value?.length ?? 0);
    for (const h of record.headers) {
      total += h.value?.length ?? 0;
    }
  }
  const buffer = new ArrayBuffer(total);
  let at = 0;
  const copy = (bytes: Buffer | null): Uint8Array | null => {
    if (bytes === null) {
      return null;
    }
    const view = new Uint8Array(buffer, at, bytes.length);
    view.set(bytes);
    at += bytes.length;
    return view;
  };
  const records = found.map(({ partition, record }) => {
    let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    const headers = record.headers.map((h) => {
      size += Buffer.byteLength(h.name) + (h.value?.length ?? 0);
      return { name: h.name, value: copy(h.value) };
    });
    return { partition, offset: record.offset, timestamp: record.timestamp, key: copy(record.key), value: copy(record.value), headers, size };
  });
  return { records, buffer };
}

/** A Buffer over the same memory (no copy), for Node's text and base64 functions. */
export function bytes(view: Uint8Array): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

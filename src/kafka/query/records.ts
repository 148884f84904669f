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

/** A record as kafkajs decodes it (a header that repeats comes as an array). */
export interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | null | (Buffer | string | null)[] | undefined>;
}

function headerList(headers: DecodedRecord['headers']): { name: string; value: Buffer | null }[] {
  const out: { name: string; value: Buffer | null }[] = [];
  for (const name of Object.keys(headers ?? {})) {
    const value = headers?.[name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) {
        out.push({ name, value: typeof v === 'string' ? Buffer.from(v, 'utf8') : v });
      }
    }
  }
  return out;
}

/** Bytes of the key, the value and the headers, as QueryRecord.size counts them. */
export function recordSize(record: DecodedRecord): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const h of headerList(record.headers)) {
    size += Buffer.byteLength(h.name) + (h.value?.length ?? 0);
  }
  return size;
}

/**
 * Copies found records out of the fetch responses they were decoded from, into one new ArrayBuffer that
 * can be transferred to the main thread without copying again. (A view into a fetch response would drag
 * the whole response along with it.)
 */
export function packRecords(found: readonly { partition: number; record: DecodedRecord }[]): { records: QueryRecord[]; buffer: ArrayBuffer } {
  const prepared = found.map(({ partition, record }) => ({ partition, record, headers: headerList(record.headers) }));
  let total = 0;
  for (const p of prepared) {
    total += (p.record.key?.length ?? 0) + (p.record.value?.length ?? 0);
    for (const h of p.headers) {
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
  const records = prepared.map(({ partition, record, headers }) => {
    let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    const copied = headers.map((h) => {
      size += Buffer.byteLength(h.name) + (h.value?.length ?? 0);
      return { name: h.name, value: copy(h.value) };
    });
    return { partition, offset: Number(record.offset), timestamp: Number(record.timestamp), key: copy(record.key), value: copy(record.value), headers: copied, size };
  });
  return { records, buffer };
}

/** A Buffer over the same memory (no copy), for Node's text and base64 functions. */
export function bytes(view: Uint8Array): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

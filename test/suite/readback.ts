import * as assert from 'assert';
import { kcat } from '../integration/kcat';
import { kafkaFor, Target } from '../integration/env';

/** A record as read back from the broker, with what the tests compare. */
export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

const byPosition = (a: { partition: number; offset: number }, b: { partition: number; offset: number }) => a.partition - b.partition || a.offset - b.offset;

/** Every record of the topic, read with a kafkajs consumer of its own (a fresh group, from the beginning). */
export async function readWithKafkajs(target: Target, topic: string): Promise<ReadRecord[]> {
  const kafka = kafkaFor(target);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const records: ReadRecord[] = [];
  if (expected === 0) {
    return records;
  }
  const consumer = kafka.consumer({ groupId: `readback-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records of ${topic}`)), 60_000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(m.headers ?? {})) {
            headers[name] = String(value);
          }
          records.push({ partition: batch.partition, offset: Number(m.offset), key: m.key ? m.key.toString('utf8') : null, value: m.value?.toString('utf8') ?? '', headers });
        }
        if (records.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return records.sort(byPosition);
}

/**
 * Every record of the topic, read with Debian's kcat (librdkafka), an independent client. Fields are
 * separated by control characters the tests never send.
 */
export async function readWithKcat(target: Target, topic: string): Promise<ReadRecord[]> {
  return (await readBytesWithKcat(target, topic)).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    key: r.key.length === 0 ? null : r.key.toString('utf8'),
    value: r.value.toString('utf8'),
    headers: parseKcatHeaders(r.headers.toString('utf8')),
  }));
}

/** A record as kcat read it, as bytes: nothing decoded, so tests can compare byte for byte. */
export interface RawRecord {
  partition: number;
  offset: number;
  key: Buffer;
  headers: Buffer;
  value: Buffer;
}

/** Splits `bytes` at every `separator` byte. */
function splitBytes(bytes: Buffer, separator: number): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = bytes.indexOf(separator); at >= 0; at = bytes.indexOf(separator, start)) {
    parts.push(bytes.subarray(start, at));
    start = at + 1;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/**
 * Every record of the topic as kcat's raw output bytes. Keys, header text (`name=value,…`) and values are
 * separated by control bytes, which no UTF-8 multi-byte sequence contains; the tests never send them.
 */
export async function readBytesWithKcat(target: Target, topic: string): Promise<RawRecord[]> {
  const { code, stdoutBytes, stderr } = await kcat(target, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\x1f%o\x1f%k\x1f%h\x1f%s\x1e'], undefined, 120_000);
  assert.strictEqual(code, 0, stderr);
  return splitBytes(stdoutBytes, 0x1e)
    .filter((r) => r.length > 0)
    .map((r) => {
      const [partition, offset, key, headers, value] = splitBytes(r, 0x1f);
      return { partition: Number(partition.toString()), offset: Number(offset.toString()), key, headers, value };
    })
    .sort(byPosition);
}

/** kcat prints headers as `name=value,name=value`; tests use header values without commas or equal signs. */
function parseKcatHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text === '' ? [] : text.split(',')) {
    const eq = pair.indexOf('=');
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return headers;
}

/** Reads the topic with both clients, checks they agree record for record, and returns the records. */
export async function readBack(target: Target, topic: string): Promise<ReadRecord[]> {
  const [viaKafkajs, viaKcat] = await Promise.all([readWithKafkajs(target, topic), readWithKcat(target, topic)]);
  assert.strictEqual(viaKcat.length, viaKafkajs.length, 'kcat and kafkajs read the same number of records');
  assert.deepStrictEqual(viaKcat, viaKafkajs, 'kcat and kafkajs read the same records');
  return viaKafkajs;
}

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Target } from '../test/integration/env';
import { kcatConnection } from '../test/integration/kcat';
import { startBrokerProcess } from './brokerProcess';
import { DEFAULT_TIMEOUTS } from '../src/kafka/cluster';
import { Compression } from '../src/kafka/codecs';
import { ephemeralGroupId } from '../src/kafka/consume';
import { ConsumerThread, ThreadedConsumer } from '../src/kafka/consumerThread';
import { DEFAULT_FORMAT } from '../src/kafka/format';
import { DEFAULT_MAX_BYTES } from '../src/kafka/lineLimits';
import { ChannelLines, OutputSink } from '../src/kafka/output';
import { describe, Figure, median, seconds } from './common';

/**
 * `npm run bench:consume`: how fast a consumer brings records already on a topic into its output, through
 * the extension's own path (a ConsumerSession in the consumer thread, formatting into its LineQueue, the
 * lines handed back to ChannelLines, default settings) into a sink standing in for the output channel,
 * against `kcat -C -e -o beginning` writing to /dev/null, on the same local broker. The time runs until
 * the consumer has counted every record (starting the consumer thread included); records that arrive
 * faster than the channel can show are counted and skipped, as in the extension. Then the memory the same
 * path needs while 1,000,000 records stream through a live consumer.
 *
 * BENCH_RECORDS (200000), BENCH_ROUNDS (3), BENCH_PARTITIONS (3), BENCH_MEMORY_RECORDS (1000000; 0 skips).
 */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 3);
const MEMORY_RECORDS = Number(process.env.BENCH_MEMORY_RECORDS ?? 1_000_000);
const VALUE_BYTES = 100;
const MAX_LINES = 10_000;

/** What the output channel would receive: counted, and the last text kept as the channel would keep it. */
class ChannelStandIn implements OutputSink {
  appends = 0;
  replaces = 0;
  chars = 0;
  append(text: string): void {
    this.appends++;
    this.chars += text.length;
  }
  replace(text: string): void {
    this.replaces++;
    this.chars += text.length;
  }
}

/** Runs kcat with stdin from a file (or nothing) and stdout to /dev/null; rejects when it fails. */
export function kcatQuiet(target: Target, args: string[], inputFile?: string): { child: ChildProcess; done: Promise<void> } {
  const stdin = inputFile ? fs.openSync(inputFile, 'r') : 'ignore';
  const devNull = fs.openSync('/dev/null', 'w');
  const child = spawn('kcat', [...kcatConnection(target), ...args], { stdio: [stdin, devNull, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof stdin === 'number') {
        fs.closeSync(stdin);
      }
      fs.closeSync(devNull);
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr}`));
      }
    });
  });
  return { child, done };
}

/** A file of `count` lines of VALUE_BYTES printable bytes, for kcat -P. */
export function recordsFile(count: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-bench-')), 'records.txt');
  const fd = fs.openSync(file, 'w');
  const chunk = 10_000;
  for (let written = 0; written < count; written += chunk) {
    const lines: string[] = [];
    for (let i = written; i < Math.min(count, written + chunk); i++) {
      lines.push(`${String(i).padStart(10, '0')} ${'x'.repeat(VALUE_BYTES - 11)}`);
    }
    fs.writeSync(fd, `${lines.join('\n')}\n`);
  }
  fs.closeSync(fd);
  return file;
}

export async function createTopic(target: Target, topic: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: target.bootstrap.split(','), sasl: { mechanism: 'plain', username: target.username, password: target.password }, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
}

/** A consumer wired as the extension wires it: an ephemeral group reading `topic` from the beginning. */
export function consumerOf(target: Target, topic: string, thread = new ConsumerThread()) {
  const sink = new ChannelStandIn();
  const shown = new ChannelLines(sink, { maxLines: MAX_LINES, droppedNote: (n) => `${n} older lines were dropped` });
  const cluster = { id: 'bench', name: 'bench', bootstrapServers: target.bootstrap, securityProtocol: target.protocol, saslMechanism: target.mechanism, username: target.username };
  const spec = { cluster, password: target.password, timeouts: DEFAULT_TIMEOUTS, topic, groupId: ephemeralGroupId('bench'), ephemeral: true, from: { kind: 'earliest' as const }, format: DEFAULT_FORMAT, maxLines: MAX_LINES, maxBytes: DEFAULT_MAX_BYTES };
  const session = new ThreadedConsumer(thread, spec, { lines: (delivery) => shown.show(delivery), event: () => undefined });
  return { sink, shown, session };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Consume throughput against kcat on `target`: the figure, with the sink's calls per second printed. The
 * records are written by kcat with `compression` (none by default), so both sides decode the same batches.
 */
export async function benchConsume(target: Target, rounds = ROUNDS, compression: Compression = 'none'): Promise<Figure> {
  const topic = `bench-consume-${compression}-${Date.now().toString(36)}`;
  await createTopic(target, topic);
  const input = recordsFile(RECORDS);
  await kcatQuiet(target, ['-P', '-t', topic, '-z', compression], input).done;
  fs.rmSync(path.dirname(input), { recursive: true });

  const of = compression === 'none' ? '' : `, ${compression} batches`;
  const figure: Figure = { name: `consume ${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes${of}`, unit: 'records/s', ours: [], reference: [], better: 'higher' };
  const flushRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const kcatSeconds = await seconds(() => kcatQuiet(target, ['-C', '-t', topic, '-e', '-o', 'beginning', '-q']).done);
    figure.reference.push(RECORDS / kcatSeconds);

    const c = consumerOf(target, topic);
    const ourSeconds = await seconds(async () => {
      await c.session.start();
      await until(() => c.session.received >= RECORDS);
    });
    await c.session.stop();
    if (c.session.received !== RECORDS) {
      throw new Error(`received ${c.session.received} records, expected ${RECORDS}`);
    }
    figure.ours.push(RECORDS / ourSeconds);
    flushRates.push((c.sink.appends + c.sink.replaces) / ourSeconds);
    console.log(`  round ${round + 1}: ours ${Math.round(RECORDS / ourSeconds).toLocaleString('en')} records/s (${c.sink.appends} appends, ${c.sink.replaces} replaces, ${c.shown.lines().length} lines kept), kcat ${Math.round(RECORDS / kcatSeconds).toLocaleString('en')} records/s`);
  }
  console.log(`sink calls per second (appends + replaces): median ${median(flushRates).toFixed(1)}`);
  return figure;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // The broker runs in a process of its own, so its stored records do not count in this process's memory.
  const target = await startBrokerProcess();
  try {
    const topic = 'bench-memory';
    await createTopic(target, topic);
    const input = recordsFile(MEMORY_RECORDS);
    const c = consumerOf(target, topic);
    await c.session.start();
    gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 100);
    const started = process.hrtime.bigint();
    const producing = kcatQuiet(target, ['-P', '-t', topic], input).done;
    await until(() => c.session.received >= MEMORY_RECORDS);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    await producing;
    clearInterval(sampler);
    gc?.();
    const after = process.memoryUsage();
    console.log(
      `memory while ${MEMORY_RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes stream through a live consumer (produced by kcat meanwhile, ${Math.round(MEMORY_RECORDS / elapsed).toLocaleString('en')} records/s):`,
    );
    console.log(`  rss: before ${mb(before.rss)}, peak ${mb(peakRss)}, after${gc ? ' (after gc)' : ''} ${mb(after.rss)}; growth at peak ${mb(peakRss - before.rss)}, at the end ${mb(after.rss - before.rss)}`);
    console.log(`  heap used: before ${mb(before.heapUsed)}, peak ${mb(peakHeap)}, after ${mb(after.heapUsed)}`);
    console.log(`  channel stand-in: ${c.sink.appends} appends, ${c.sink.replaces} replaces, ${c.shown.lines().length} lines kept (maxLines ${MAX_LINES}), ${c.shown.dropped.toLocaleString('en')} dropped`);
    if (!gc) {
      console.log('  (run with node --expose-gc for figures after garbage collection)');
    }
    await c.session.stop();
    fs.rmSync(path.dirname(input), { recursive: true });
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  const target = await startBrokerProcess();
  try {
    console.log(describe(await benchConsume(target)));
    console.log(describe(await benchConsume(target, ROUNDS, 'lz4')));
    console.log(describe(await benchConsume(target, ROUNDS, 'zstd')));
  } finally {
    await target.stop();
  }
  if (MEMORY_RECORDS > 0) {
    await memory();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

import { spawn } from 'child_process';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterSettings } from '../src/kafka/cluster';
import { QueryConnection, QuerySummary, runQuery } from '../src/kafka/query';
import { Target } from '../test/integration/env';
import { kcatConnection } from '../test/integration/kcat';
import { startBrokerProcess } from './brokerProcess';
import { describe, Figure, median, ratio } from './common';

/**
 * `npm run bench:query`: Message Query against kcat on the same broker (a process of its own).
 *
 * A topic of BENCH_QUERY_RECORDS (1,000,000) records of 100-byte values on 3 partitions, with times spread
 * over the last 24 hours; one record in 1000 holds the word "needle".
 * - Scan the whole topic with `value contains "needle"`: records/s, from runQuery to the summary (worker
 *   start and connection included), against `kcat -C -e -o beginning | grep -c needle` from spawn to exit.
 *   Meanwhile on the calling thread: the longest event-loop block (a 5 ms timer's lateness, which the
 *   machine's other load adds to), the thread's own busiest 5 ms tick (event-loop utilization), and the
 *   growth of the process's RSS (the worker thread's heap included: it lives in the same process).
 * - First matching row for one key in the last 15 minutes: from runQuery to the first record, against
 *   `kcat -C -o s@<from> -o e@<to> -e -u -f '%k\n' | grep -m1 -x <key>` (unbuffered, so that the line is not held
 *   in kcat's output buffer) from spawn to grep's line.
 */
const RECORDS = Number(process.env.BENCH_QUERY_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 3;
const VALUE_BYTES = 100;
const SPAN_MS = 24 * 3600 * 1000;
const WINDOW_MS = 15 * 60 * 1000;

export interface QueryFigures {
  scan: Figure;
  /** Per round: the calling thread's longest event-loop block (a 5 ms timer's lateness), in ms. */
  blockMs: number[];
  /** Per round: of the same 5 ms ticks, the most time the event loop was busy (not waiting) in one tick, in ms. */
  busyMs: number[];
  rssGrowthMb: number[];
  first: Figure;
}

/** A row of `npm run bench`'s table (bench/index.ts). */
export interface QueryRow {
  figure: string;
  ours: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean;
}

function connectionOf(target: Target): QueryConnection {
  const settings: ClusterSettings = { id: 'bench', name: 'bench', bootstrapServers: target.bootstrap, securityProtocol: target.protocol, saslMechanism: target.mechanism, username: target.username };
  return { settings, password: target.password };
}

const valueOf = (i: number) => {
  const head = `${String(i).padStart(10, '0')} ${i % 1000 === 500 ? 'needle' : 'hay'} `;
  return head + 'x'.repeat(VALUE_BYTES - head.length);
};

/** Writes the topic with kafkajs (kcat cannot set record times): `k<i>` keys, times evenly over SPAN_MS up to `end`. */
async function fill(target: Target, topic: string, end: number): Promise<void> {
  const kafka = new Kafka({ brokers: target.bootstrap.split(','), sasl: { mechanism: 'plain', username: target.username, password: target.password }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const step = SPAN_MS / RECORDS;
  const BATCH = 500;
  let next = 0;
  const worker = async () => {
    while (next < RECORDS) {
      const from = next;
      next = Math.min(RECORDS, next + BATCH);
      const messages = [];
      for (let i = from; i < next; i++) {
        messages.push({ key: `k${i}`, value: valueOf(i), partition: i % PARTITIONS, timestamp: String(Math.round(end - SPAN_MS + i * step)) });
      }
      await producer.send({ topic, messages, acks: 1 });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await producer.disconnect();
}

/** Runs a shell pipeline of kcat and grep; resolves with its output and the seconds it took. */
function pipeline(target: Target, kcatArgs: string[], grep: string[], firstLine = false): Promise<{ out: string; seconds: number }> {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  // When only the first line counts, grep ends early and kcat's complaint about the closed pipe is noise.
  const command = `kcat ${[...kcatConnection(target), ...kcatArgs].map(quote).join(' ')}${firstLine ? ' 2>/dev/null' : ''} | grep ${grep.map(quote).join(' ')}`;
  const started = process.hrtime.bigint();
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (firstLine && out.includes('\n')) {
        resolve({ out, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve({ out, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

/** The scan, with the calling thread's longest block and RSS growth measured while it runs. */
async function oursScan(target: Target, topic: string): Promise<{ summary: QuerySummary; seconds: number; blockMs: number; busyMs: number; rssGrowthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let blockMs = 0;
  let busyMs = 0;
  let last = performance.now();
  let elu = performance.eventLoopUtilization();
  // Lateness counts everything that kept the thread from its timer, the machine's other load included;
  // busy time counts only the thread's own work (the event loop active, not waiting for I/O).
  const sampler = setInterval(() => {
    const now = performance.now();
    const tick = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    blockMs = Math.max(blockMs, now - last - 5);
    busyMs = Math.max(busyMs, tick.active);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = process.hrtime.bigint();
  let kept = 0;
  const run = runQuery(
    { topic, range: { kind: 'offsets', from: 0 }, filter: 'value contains "needle"', budget: { records: RECORDS, seconds: 600, results: 100_000 } },
    connectionOf(target),
    { onRecords: (r) => (kept += r.length) },
  );
  const summary = await run.done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (summary.stopped !== 'range' || summary.scanned !== RECORDS || kept !== summary.kept) {
    throw new Error(`the scan did not read the topic: ${JSON.stringify({ ...summary, partitions: undefined })}, ${kept} records received`);
  }
  return { summary, seconds, blockMs, busyMs, rssGrowthMb: (peak - before) / 1024 / 1024 };
}

async function oursFirst(target: Target, topic: string, from: number, to: number, key: string): Promise<number> {
  const started = process.hrtime.bigint();
  let first: number | undefined;
  const run = runQuery({ topic, range: { kind: 'time', from, to }, filter: `key = "${key}"` }, connectionOf(target), {
    onRecords: (records) => {
      if (first === undefined && records.length > 0) {
        first = Number(process.hrtime.bigint() - started) / 1e6;
        run.cancel();
      }
    },
  });
  const summary = await run.done;
  if (first === undefined) {
    throw new Error(`no record with key ${key}: ${JSON.stringify({ ...summary, partitions: undefined })}`);
  }
  return first;
}

export async function benchQuery(target: Target, rounds = ROUNDS): Promise<QueryFigures> {
  const topic = `bench-query-${Date.now().toString(36)}`;
  const end = Date.now();
  const filled = process.hrtime.bigint();
  await fill(target, topic, end);
  console.log(`  wrote ${RECORDS.toLocaleString('en')} records in ${(Number(process.hrtime.bigint() - filled) / 1e9).toFixed(1)} s`);
  const needles = Math.floor((RECORDS + 499) / 1000);

  const scan: Figure = { name: `query ${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} B on ${PARTITIONS} partitions, value contains`, unit: 'records/s', ours: [], reference: [], better: 'higher' };
  const figures: QueryFigures = { scan, blockMs: [], busyMs: [], rssGrowthMb: [], first: { name: 'first matching row for a key, last 15 minutes', unit: 'ms', ours: [], reference: [], better: 'lower' } };
  for (let round = 0; round < rounds; round++) {
    const kcat = await pipeline(target, ['-C', '-t', topic, '-e', '-o', 'beginning', '-q'], ['-c', 'needle']);
    if (Number(kcat.out.trim()) !== needles) {
      throw new Error(`kcat | grep -c counted ${kcat.out.trim()}, expected ${needles}`);
    }
    scan.reference.push(RECORDS / kcat.seconds);
    const ours = await oursScan(target, topic);
    if (ours.summary.matched !== needles) {
      throw new Error(`the query matched ${ours.summary.matched}, expected ${needles}`);
    }
    scan.ours.push(RECORDS / ours.seconds);
    figures.blockMs.push(ours.blockMs);
    figures.busyMs.push(ours.busyMs);
    figures.rssGrowthMb.push(ours.rssGrowthMb);
    console.log(
      `  round ${round + 1}: ours ${Math.round(RECORDS / ours.seconds).toLocaleString('en')} records/s (longest block ${ours.blockMs.toFixed(1)} ms, longest busy tick ${ours.busyMs.toFixed(1)} ms, RSS +${ours.rssGrowthMb.toFixed(1)} MB), kcat | grep ${Math.round(RECORDS / kcat.seconds).toLocaleString('en')} records/s`,
    );
  }
  // The key sits in the middle of the last 15 minutes.
  const from = end - WINDOW_MS;
  const i = Math.round(((end - WINDOW_MS / 2 - (end - SPAN_MS)) / SPAN_MS) * RECORDS);
  for (let round = 0; round < rounds; round++) {
    const kcat = await pipeline(target, ['-C', '-t', topic, '-o', `s@${from}`, '-o', `e@${end + 1}`, '-e', '-u', '-f', '%k\\n', '-q'], ['-m1', '-x', `k${i}`], true);
    if (kcat.out.trim() !== `k${i}`) {
      throw new Error(`kcat | grep found ${JSON.stringify(kcat.out)}, expected k${i}`);
    }
    figures.first.reference.push(kcat.seconds * 1000);
    figures.first.ours.push(await oursFirst(target, topic, from, end, `k${i}`));
  }
  return figures;
}

export function describeQuery(f: QueryFigures): string {
  const span = (v: number[]) => `${Math.min(...v).toFixed(1)} / ${median(v).toFixed(1)} / ${Math.max(...v).toFixed(1)}`;
  return [
    describe(f.scan),
    `longest event-loop block on the calling thread during the scan: ${span(f.blockMs)} ms (min / median / max)`,
    `longest busy 5 ms tick of the calling thread's event loop during the scan: ${span(f.busyMs)} ms (min / median / max)`,
    `RSS growth of the process during the scan: ${span(f.rssGrowthMb)} MB (min / median / max)`,
    describe(f.first),
  ].join('\n');
}

/** The rows of `npm run bench`'s table, each with its goal; the figures also go into `raw.query`. */
export async function queryBenchRows(target: Target, rounds: number, raw: Record<string, unknown>): Promise<QueryRow[]> {
  const f = await benchQuery(target, rounds);
  console.log(describeQuery(f));
  raw.query = f;
  const span = (v: number[], digits = 0) => `${Math.min(...v).toFixed(digits)} / ${median(v).toFixed(digits)} / ${Math.max(...v).toFixed(digits)}`;
  const scanRatio = ratio(f.scan);
  return [
    { figure: `${f.scan.name} (${f.scan.unit}), reference kcat -C -e piped to grep -c`, ours: span(f.scan.ours), reference: span(f.scan.reference), ratio: scanRatio.toFixed(2), goal: 'ratio ≥ 0.5', met: scanRatio >= 0.5 },
    {
      figure: 'longest event-loop block on the calling thread during that scan (ms)',
      ours: `${span(f.blockMs, 1)} (busy: ${span(f.busyMs, 1)})`,
      reference: '-',
      ratio: '-',
      goal: 'under 50 ms',
      met: median(f.blockMs) < 50,
    },
    { figure: 'RSS growth of the calling process during that scan (MB)', ours: span(f.rssGrowthMb, 1), reference: '-', ratio: '-', goal: 'under 150 MB', met: median(f.rssGrowthMb) < 150 },
    { figure: `${f.first.name} of a ${RECORDS.toLocaleString('en')}-record topic (ms), reference kcat piped to grep -m1`, ours: span(f.first.ours), reference: span(f.first.reference), ratio: ratio(f.first).toFixed(2), goal: 'under 500 ms', met: median(f.first.ours) < 500 },
  ];
}

if (require.main === module) {
  void (async () => {
    const target = await startBrokerProcess();
    try {
      console.log(describeQuery(await benchQuery(target)));
    } finally {
      await target.stop();
    }
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

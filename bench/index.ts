import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageVsix } from '../test/host/vsix';
import { benchActivation } from './activation';
import { startBrokerProcess } from './brokerProcess';
import { describe, Figure, median, ratio } from './common';
import { benchConsume } from './consume';
import { benchFirstRecord } from './firstRecord';
import { benchHostMemory } from './hostMemory';
import { benchSingleProduce } from './latency';
import { benchProduce } from './produce';
import { queryBenchRows } from './query';

/**
 * `npm run bench`: every figure of the performance budget, each with its reference measured on the same
 * broker in the same run, printed as a table and written to bench/results.json. A benchmark, not a test:
 * it never fails on a number.
 */
const root = path.resolve(__dirname, '..', '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Row {
  figure: string;
  ours: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean;
}

const span = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)} / ${median(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`;

function throughputRow(figure: Figure, goal: string, met: (f: Figure) => boolean, digits = 0): Row {
  return {
    figure: `${figure.name} (${figure.unit})`,
    ours: span(figure.ours, digits),
    reference: span(figure.reference, digits),
    ratio: ratio(figure).toFixed(2),
    goal,
    met: met(figure),
  };
}

function bytesOf(file: string): number {
  return fs.statSync(path.join(root, file)).size;
}

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const target = await startBrokerProcess();
  try {
    const produce = await benchProduce(target, ROUNDS);
    rows.push(throughputRow(produce, 'ratio ≥ 0.5', (f) => ratio(f) >= 0.5));
    const latency = await benchSingleProduce(target, ROUNDS);
    rows.push(throughputRow(latency, 'within 2 ms of the reference', (f) => median(f.ours) - median(f.reference) <= 2, 2));
    const produceLz4 = await benchProduce(target, ROUNDS, 'lz4');
    rows.push(throughputRow(produceLz4, 'ratio ≥ 0.5', (f) => ratio(f) >= 0.5));
    // lz4 is worth its CPU only when it sends at least as many records a second as no compression.
    const lz4VsNone: Figure = { ...produceLz4, name: 'produce 100,000 × 100 B, lz4 against ours without compression', reference: produce.ours };
    rows.push({ ...throughputRow(lz4VsNone, 'ratio ≥ 1.0', (f) => ratio(f) >= 1), reference: `${span(produce.ours)} (ours, none)` });
    const consume = await benchConsume(target, ROUNDS);
    rows.push(throughputRow(consume, 'ratio ≥ 0.5', (f) => ratio(f) >= 0.5));
    const consumeLz4 = await benchConsume(target, ROUNDS, 'lz4');
    rows.push(throughputRow(consumeLz4, 'ratio ≥ 0.5', (f) => ratio(f) >= 0.5));
    const consumeZstd = await benchConsume(target, ROUNDS, 'zstd');
    rows.push(throughputRow(consumeZstd, 'ratio ≥ 0.5', (f) => ratio(f) >= 0.5));
    const first = await benchFirstRecord(target, ROUNDS);
    rows.push(throughputRow(first, 'no slower than the reference', (f) => ratio(f) >= 0.9));
    const firstWarmed = await benchFirstRecord(target, ROUNDS, true);
    rows.push(throughputRow(firstWarmed, 'no slower than the reference', (f) => ratio(f) >= 0.9));
    Object.assign(raw, { produce, produceLz4, latency, consume, consumeLz4, consumeZstd, first, firstWarmed });
    for (const f of [produce, produceLz4, latency, consume, consumeLz4, consumeZstd, first, firstWarmed]) {
      console.log(describe(f));
    }
    const activation = await benchActivation(ROUNDS);
    rows.push({
      ...throughputRow(activation, '≤ empty + 10 ms', (f) => median(f.ours) - median(f.reference) <= 10, 1),
      ratio: `+${(median(activation.ours) - median(activation.reference)).toFixed(1)} ms`,
      reference: `${span(activation.reference, 1)} (an empty extension)`,
    });
    console.log(describe(activation));
    const memory = await benchHostMemory(target);
    const growth = memory.peakMb - memory.beforeMb;
    rows.push({
      figure: `extension host RSS growth, ${memory.records.toLocaleString('en')} records through a live consumer (MB; starting it took ${(memory.beforeMb - memory.idleMb).toFixed(1)} MB)`,
      ours: growth.toFixed(1),
      reference: '-',
      ratio: '-',
      goal: 'under 150 MB',
      met: growth < 150,
    });
    Object.assign(raw, { activation, memory });
    rows.push(...(await queryBenchRows(target, ROUNDS, raw)));
  } finally {
    await target.stop();
  }
  const vsix = path.join(os.tmpdir(), `ckafka-bench-${process.pid}.vsix`);
  packageVsix(vsix);
  // Every bundle but dist/extension.js is loaded on first use.
  const lazyFiles = ['dist/consumerWorker.js', 'dist/queryPanel.js', 'dist/queryWorker.js', ...['kafkajs', 'snappyjs', 'fzstd'].map((name) => `dist/node_modules/${name}/index.js`)];
  const lazy = lazyFiles.map(bytesOf);
  const size = { extensionJs: bytesOf('dist/extension.js'), lazyJs: lazy.reduce((a, b) => a + b, 0), vsix: fs.statSync(vsix).size };
  fs.rmSync(vsix);
  const bundle = size.extensionJs + size.lazyJs;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  rows.push({
    figure: `bundle: dist/extension.js, loaded at activation, + ${lazyFiles.map((file) => file.replace(/^dist\//, '')).join(', ')}, loaded on first use`,
    ours: `${kb(size.extensionJs)} + ${lazy.map(kb).join(' + ')} = ${kb(bundle)}`,
    reference: '-',
    ratio: '-',
    goal: 'under 400 KB',
    met: bundle < 400 * 1024,
  });
  rows.push({ figure: '.vsix', ours: kb(size.vsix), reference: '-', ratio: '-', goal: 'under 250 KB', met: size.vsix < 250 * 1024 });
  raw.size = size;

  console.log('');
  console.log('| figure | ours (min / median / max) | reference | ratio | goal | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.figure} | ${r.ours} | ${r.reference} | ${r.ratio} | ${r.goal} | ${r.met ? 'yes' : 'no'} |`);
  }
  const results = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`, node: process.version, rounds: ROUNDS, rows, raw };
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to bench/results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

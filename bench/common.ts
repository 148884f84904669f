import { kcat } from '../test/integration/kcat';
import { startBrokerProcess } from './brokerProcess';
import { Target } from '../test/integration/env';

/**
 * Shared pieces of the benchmarks. A benchmark never fails on a number: it prints the extension's figure,
 * the reference measured on the same broker in the same run, and their ratio.
 */

export interface Figure {
  name: string;
  unit: string;
  /** One value per round. */
  ours: number[];
  reference: number[];
  /** 'higher' for rates, 'lower' for latencies: decides which way the ratio reads. */
  better: 'higher' | 'lower';
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** ours / reference for rates, reference / ours for latencies: above 1 means the extension is faster. */
export function ratio(figure: Figure): number {
  const ours = median(figure.ours);
  const reference = median(figure.reference);
  return figure.better === 'higher' ? ours / reference : reference / ours;
}

const format = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));

/** One printed line: min / median / max of both sides, and the ratio of the medians. */
export function describe(figure: Figure): string {
  const side = (values: number[]) => `${format(Math.min(...values))} / ${format(median(values))} / ${format(Math.max(...values))}`;
  return `${figure.name}: ours ${side(figure.ours)} ${figure.unit}; reference ${side(figure.reference)} ${figure.unit}; ratio ${ratio(figure).toFixed(2)} (min / median / max of ${figure.ours.length} rounds)`;
}

/** Seconds taken by `fn`, measured with the monotonic clock. */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs kcat and throws with its stderr when it fails: a benchmark with a broken reference is no benchmark. */
export async function kcatOrThrow(target: Target, args: string[], input?: string | Buffer, timeoutMs = 300_000): Promise<string> {
  const result = await kcat(target, args, input, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`kcat ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * When `mod` is the script node was started with, runs one benchmark against a broker process of its own
 * and prints what it returns; exits non-zero when the benchmark itself breaks.
 */
export function runAlone(mod: NodeModule, bench: (target: Target) => Promise<string>): void {
  if (require.main !== mod) {
    return;
  }
  void (async () => {
    const target = await startBrokerProcess();
    try {
      console.log(await bench(target));
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

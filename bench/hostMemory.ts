import * as fs from 'fs';
import * as path from 'path';
import { Target } from '../test/integration/env';
import { runInHost } from '../test/host/vscode';
import { runAlone } from './common';
import { createTopic, kcatQuiet, recordsFile } from './consume';

/**
 * `npm run bench:memory`: the extension host's RSS growth while 1,000,000 records of 100 bytes stream
 * through a live consumer into its output channel, in the real VS Code host of the tests. kcat produces
 * them while the consumer reads; the broker runs in a process of its own.
 */
const root = path.resolve(__dirname, '..', '..');
const RECORDS = Number(process.env.BENCH_MEMORY_RECORDS ?? 1_000_000);

export interface HostMemory {
  records: number;
  /** Before the consumer (and the consumer thread) started. */
  idleMb: number;
  /** Once the consumer runs, before the records come. */
  beforeMb: number;
  peakMb: number;
  afterMb: number;
}

export async function benchHostMemory(target: Target, records = RECORDS): Promise<HostMemory> {
  const topic = `bench-host-memory-${Date.now().toString(36)}`;
  await createTopic(target, topic);
  const input = recordsFile(records);
  let result: HostMemory | undefined;
  let producing: Promise<void> | undefined;
  let code: number;
  try {
    code = await runInHost({
      testsPath: path.join(root, 'out', 'bench', 'memoryProbe.js'),
      folder: path.join(root, 'test', 'fixtures', 'workspace'),
      server: { env: { CKAFKA_BENCH_BOOTSTRAP: target.bootstrap, CKAFKA_BENCH_TOPIC: topic, CKAFKA_BENCH_RECORDS: String(records) } },
      timeoutMs: 300_000,
      onLog: (text) => {
        if (text.startsWith('ckafka-bench:sample')) {
          console.log(`  ${text.slice('ckafka-bench:'.length)}`);
        }
        if (text === 'ckafka-bench:ready') {
          producing = kcatQuiet(target, ['-P', '-t', topic], input).done;
        }
        const m = text.match(/^ckafka-bench:memory received=(\d+) idle=(\d+) before=(\d+) peak=(\d+) after=(\d+)$/);
        if (m) {
          const mb = (n: string) => Number(n) / 1024 / 1024;
          result = { records: Number(m[1]), idleMb: mb(m[2]), beforeMb: mb(m[3]), peakMb: mb(m[4]), afterMb: mb(m[5]) };
        }
      },
    });
    await producing;
  } finally {
    fs.rmSync(path.dirname(input), { recursive: true, force: true });
  }
  if (code !== 0 || !result) {
    throw new Error(`the memory probe failed (exit code ${code})`);
  }
  return result;
}

runAlone(module, async (target) => {
  const m = await benchHostMemory(target);
  return `extension host RSS with ${m.records.toLocaleString('en')} records through a live consumer: ${m.idleMb.toFixed(1)} MB before it started, ${m.beforeMb.toFixed(1)} MB once it ran, peak ${m.peakMb.toFixed(1)} MB, growth ${(m.peakMb - m.beforeMb).toFixed(1)} MB (goal under 150 MB); starting it took ${(m.beforeMb - m.idleMb).toFixed(1)} MB`;
});

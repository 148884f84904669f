import * as fs from 'fs';
import type Mocha from 'mocha';

/** What one test layer reports to the runner that sums the layers. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/** Environment variable naming the file a layer writes its summary to. */
export const SUMMARY_ENV = 'CKAFKA_TEST_SUMMARY';

/** Runs a mocha instance and, when the runner asked for it, writes the counts where it said. */
export function runMocha(mocha: Mocha): Promise<Summary> {
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      const summary = { passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0 };
      const file = process.env[SUMMARY_ENV];
      if (file) {
        fs.writeFileSync(file, JSON.stringify(summary));
      }
      resolve(summary);
    });
  });
}

/** Lists the compiled test files (`*.test.js`) directly in `dir`, sorted so runs are repeatable. */
export function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => `${dir}/${name}`);
}

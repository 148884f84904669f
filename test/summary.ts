import * as fs from 'fs';
import type Mocha from 'mocha';

/** What one test layer reports to the runner that sums the layers. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** Every skipped test with the reason it gave (undefined when it gave none). */
  skips?: { test: string; reason?: string }[];
}

const skipReasons = new Map<string, string>();

/** Records why the test of this full title is skipped; the layer lists it with its reason. */
export function noteSkipReason(fullTitle: string, reason: string): void {
  skipReasons.set(fullTitle, reason);
}

/** Environment variable naming the file a layer writes its summary to. */
export const SUMMARY_ENV = 'CKAFKA_TEST_SUMMARY';

/** Runs a mocha instance and, when the runner asked for it, writes the counts where it said. */
export function runMocha(mocha: Mocha): Promise<Summary> {
  return new Promise((resolve) => {
    const skips: { test: string; reason?: string }[] = [];
    const runner = mocha.run(() => {
      const summary: Summary = { passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0, skips };
      if (skips.length > 0) {
        console.log(`\n  ${skips.length} skipped:`);
        for (const s of skips) {
          console.log(`    - ${s.test}\n        ${s.reason ?? '(no reason given)'}`);
        }
      }
      const file = process.env[SUMMARY_ENV];
      if (file) {
        fs.writeFileSync(file, JSON.stringify(summary));
      }
      resolve(summary);
    });
    runner.on('pending', (test) => skips.push({ test: test.fullTitle(), reason: skipReasons.get(test.fullTitle()) }));
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

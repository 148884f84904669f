import * as fs from 'fs';
import type Mocha from 'mocha';

/** What one test layer reports to the runner that sums the layers. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** Every skipped test with the reason it gave (undefined when it gave none). */
  skips?: { test: string; reason?: string }[];
  /** Every failed test with the first lines of its error, so the end of a long log names what failed. */
  failures?: { test: string; error: string }[];
}

/** The first three lines of an error's message, at most 400 characters: enough to tell one failure from another. */
export function errorGist(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').slice(0, 3).join(' / ');
  return lines.length > 400 ? `${lines.slice(0, 399)}…` : lines;
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
    const failures: { test: string; error: string }[] = [];
    const runner = mocha.run(() => {
      const summary: Summary = { passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0, skips, failures };
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
    runner.on('fail', (test, error) => failures.push({ test: test.fullTitle(), error: errorGist(error) }));
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

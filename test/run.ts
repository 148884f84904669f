import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUMMARY_ENV, Summary } from './summary';

/**
 * Runs the named test layers one after another, each in its own process, and ends with one line
 * `N passed, N failed[, N skipped]` summed over them. Exits non-zero when any test failed or any layer
 * did not report (a crash counts as a failure) or left something in its temporary folder.
 */
const LAYERS: Record<string, { args: string[]; env?: NodeJS.ProcessEnv }> = {
  unit: { args: [path.join(__dirname, 'layer.js'), 'unit'] },
  integration: { args: [path.join(__dirname, 'layer.js'), 'integration'] },
  /** The integration layer in external mode, against a second local broker that refuses topic admin (test/externalLayer.ts). */
  'integration-external': { args: [path.join(__dirname, 'externalLayer.js')] },
  vscode: { args: [path.join(__dirname, 'host', 'vscode.js')] },
  /** The display-language tests again, in a VS Code whose display language is Simplified Chinese. */
  'vscode-zh': { args: [path.join(__dirname, 'host', 'vscode.js')], env: { CKAFKA_TEST_LOCALE: 'zh-cn', CKAFKA_TEST_GREP: 'display language' } },
  sandbox: { args: [path.join(__dirname, 'layer.js'), 'sandbox'] },
  /** Tests over 60 s: the chaos round trip with 250,000 records. Not part of `npm test`. */
  soak: { args: [path.join(__dirname, 'layer.js'), 'soak'], env: { CHAOS_RECORDS: process.env.CHAOS_RECORDS ?? '250000' } },
};

/**
 * Runs one layer with a temporary folder of its own as TMPDIR. Whatever the layer leaves there (a browser
 * profile, a VS Code data folder, a file a test forgot) counts as a failure, and is removed.
 */
function runLayer(name: string): Promise<Summary> {
  const layer = LAYERS[name];
  if (!layer) {
    throw new Error(`unknown test layer "${name}"; known: ${Object.keys(LAYERS).join(', ')}`);
  }
  const own = fs.mkdtempSync(path.join(os.tmpdir(), `ckafka-run-${name}-`));
  const summaryFile = path.join(own, 'summary.json');
  const tmp = path.join(own, 'tmp');
  fs.mkdirSync(tmp);
  // Open to every user, like /tmp: some tests run a command as an unprivileged user.
  fs.chmodSync(own, 0o755);
  fs.chmodSync(tmp, 0o1777);
  console.log(`\n=== ${name} tests ===`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, layer.args, { stdio: 'inherit', env: { ...process.env, ...layer.env, [SUMMARY_ENV]: summaryFile, TMPDIR: tmp } });
    child.on('exit', (code, signal) => {
      const reported = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary) : undefined;
      const leftovers = fs.readdirSync(tmp);
      fs.rmSync(own, { recursive: true, force: true });
      let summary: Summary;
      const layerFailure = (s: Summary, error: string): Summary => {
        console.log(`${name} layer ${error}: counted as 1 failure`);
        return { ...s, failed: s.failed + 1, failures: [...(s.failures ?? []), { test: `(the ${name} layer)`, error }] };
      };
      if (!reported) {
        summary = layerFailure({ passed: 0, failed: 0, skipped: 0 }, `ended (code ${code}, signal ${signal}) without reporting results`);
      } else if (code !== 0 && reported.failed === 0) {
        summary = layerFailure(reported, `exited with code ${code} although no test failed`);
      } else {
        summary = reported;
      }
      if (leftovers.length > 0) {
        summary = layerFailure(summary, `left ${leftovers.join(', ')} in its temporary folder (now removed)`);
      }
      resolve(summary);
    });
  });
}

async function main(): Promise<void> {
  const total: Summary = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  const failures: string[] = [];
  for (const name of process.argv.slice(2)) {
    const s = await runLayer(name);
    lines.push(`${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    failures.push(...(s.failures ?? []).map((f) => `  ${name}: ${f.test}\n      ${f.error}`));
    total.passed += s.passed;
    total.failed += s.failed;
    total.skipped += s.skipped;
  }
  // Repeated here, next to the totals, so the end of a long log says what failed.
  if (failures.length > 0) {
    console.log(`\nFailed:\n${failures.join('\n')}`);
  }
  console.log(`\n${lines.join('\n')}`);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
  console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
  process.exitCode = total.failed > 0 ? 1 : 0;
}

void main();

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUMMARY_ENV, Summary } from './summary';

/**
 * Runs the named test layers one after another, each in its own process, and ends with one line
 * `N passed, N failed[, N skipped]` summed over them. Exits non-zero when any test failed or any layer
 * did not report (a crash counts as a failure).
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

function runLayer(name: string): Promise<Summary> {
  const layer = LAYERS[name];
  if (!layer) {
    throw new Error(`unknown test layer "${name}"; known: ${Object.keys(LAYERS).join(', ')}`);
  }
  const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-summary-'));
  const summaryFile = path.join(summaryDir, 'summary.json');
  console.log(`\n=== ${name} tests ===`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, layer.args, { stdio: 'inherit', env: { ...process.env, ...layer.env, [SUMMARY_ENV]: summaryFile } });
    child.on('exit', (code, signal) => {
      const reported = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary) : undefined;
      fs.rmSync(summaryDir, { recursive: true, force: true });
      if (!reported) {
        console.log(`${name} layer ended (code ${code}, signal ${signal}) without reporting results: counted as 1 failure`);
        resolve({ passed: 0, failed: 1, skipped: 0 });
      } else if (code !== 0 && reported.failed === 0) {
        console.log(`${name} layer exited with code ${code} although no test failed: counted as 1 failure`);
        resolve({ ...reported, failed: 1 });
      } else {
        resolve(reported);
      }
    });
  });
}

async function main(): Promise<void> {
  const total: Summary = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const name of process.argv.slice(2)) {
    const s = await runLayer(name);
    lines.push(`${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    total.passed += s.passed;
    total.failed += s.failed;
    total.skipped += s.skipped;
  }
  console.log(`\n${lines.join('\n')}`);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
  console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
  process.exitCode = total.failed > 0 ? 1 : 0;
}

void main();

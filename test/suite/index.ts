import Mocha from 'mocha';
import { runMocha, testFiles } from '../summary';
import { watchShown } from './shown';

/**
 * The extension-host suite's entry. VS Code loads this file and awaits `run()`, both in the offline
 * code-server host (test/host/vscode.ts) and in desktop VS Code through @vscode/test-electron.
 */
export async function run(): Promise<void> {
  watchShown();
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, grep: process.env.CKAFKA_TEST_GREP });
  for (const file of testFiles(__dirname)) {
    mocha.addFile(file);
  }
  const summary = await runMocha(mocha);
  if (summary.failed > 0) {
    throw new Error(`${summary.failed} extension-host test(s) failed`);
  }
}

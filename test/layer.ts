import * as path from 'path';
import Mocha from 'mocha';
import { runMocha, testFiles } from './summary';

/** Runs one plain-Node test layer (`unit` or `integration`) with mocha. */
async function main(): Promise<void> {
  const layer = process.argv[2];
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: layer === 'unit' ? 10_000 : 60_000 });
  for (const file of testFiles(path.join(__dirname, layer))) {
    mocha.addFile(file);
  }
  const summary = await runMocha(mocha);
  process.exitCode = summary.failed > 0 ? 1 : 0;
  // The process ends by itself once nothing is open; if it lingers, say what a test left behind.
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
    open.splice(open.indexOf('Timeout'), 1); // this timer
    if (open.length > 0) {
      console.log(`  ${layer} layer: still open 5 s after the last test: ${open.join(', ')}`);
    }
  }, 5000).unref();
}

void main();

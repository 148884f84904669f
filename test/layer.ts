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
}

void main();

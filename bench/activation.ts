import * as path from 'path';
import { runInHost } from '../test/host/vscode';
import { median } from './common';

/**
 * `npm run bench:activation`: in the real VS Code host of the tests, the time from asking VS Code to
 * activate the extension to `activate()` returning (loading the bundle included), one fresh VS Code per round.
 */
const root = path.resolve(__dirname, '..', '..');

export interface ActivationFigure {
  ms: number[];
}

export async function benchActivation(rounds = 3): Promise<ActivationFigure> {
  const ms: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let measured: number | undefined;
    const code = await runInHost({
      testsPath: path.join(root, 'out', 'bench', 'activationProbe.js'),
      folder: path.join(root, 'test', 'fixtures', 'workspace'),
      timeoutMs: 120_000,
      onLog: (text) => {
        const found = text.match(/^ckafka-activation-ms:([\d.]+)$/);
        if (found) {
          measured = Number(found[1]);
        }
        if (/^ckafka-activation-connections:[1-9]/.test(text)) {
          console.log('warning: a cluster connected during activation');
        }
      },
    });
    if (code !== 0 || measured === undefined) {
      throw new Error(`the activation probe failed (exit code ${code})`);
    }
    ms.push(measured);
  }
  return { ms };
}

async function main(): Promise<void> {
  const { ms } = await benchActivation();
  console.log(`activation: ${Math.min(...ms).toFixed(1)} / ${median(ms).toFixed(1)} / ${Math.max(...ms).toFixed(1)} ms (min / median / max of ${ms.length} fresh VS Code hosts; goal under 20 ms)`);
}

if (require.main === module) {
  void main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

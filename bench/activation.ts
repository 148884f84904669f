import * as path from 'path';
import { runInHost } from '../test/host/vscode';
import { describe, Figure } from './common';

/**
 * `npm run bench:activation`: in the real VS Code host of the tests, the time from asking VS Code to
 * activate the extension to `activate()` returning (loading the bundle included), against an empty
 * extension activated in the same host: the part VS Code adds for any extension. One fresh VS Code per
 * round; the two go first in turn. BENCH_LOCALE=zh-cn measures it with the Chinese bundles, and
 * BENCH_REFERENCE=localized takes as the reference the empty extension with a one-string zh-cn l10n bundle
 * (what VS Code adds for any localized extension).
 */
const root = path.resolve(__dirname, '..', '..');

export async function benchActivation(rounds = 3): Promise<Figure> {
  const reference = process.env.BENCH_REFERENCE === 'localized' ? 'empty-extension-l10n' : 'empty-extension';
  const locale = process.env.BENCH_LOCALE ? `, VS Code in ${process.env.BENCH_LOCALE}` : '';
  const name = `activation in the real VS Code host${locale}, against ${reference}`;
  const figure: Figure = { name, unit: 'ms', ours: [], reference: [], better: 'lower' };
  for (let round = 0; round < rounds; round++) {
    const measured: Record<string, number> = {};
    const code = await runInHost({
      testsPath: path.join(root, 'out', 'bench', 'activationProbe.js'),
      folder: path.join(root, 'test', 'fixtures', 'workspace'),
      locale: process.env.BENCH_LOCALE,
      server: { install: [path.join(root, 'test', 'fixtures', reference)], env: { CKAFKA_PROBE_ORDER: round % 2 === 0 ? 'ours-first' : 'reference-first' } },
      timeoutMs: 120_000,
      onLog: (text, type) => {
        if (type === 'error' && process.env.CKAFKA_BENCH_VERBOSE) {
          console.error(text);
        }
        const found = text.match(/^ckafka-activation-ms:(ours|reference):([\d.]+)$/);
        if (found) {
          measured[found[1]] = Number(found[2]);
        }
      },
    });
    if (code !== 0 || measured.ours === undefined || measured.reference === undefined) {
      throw new Error(`the activation probe failed (exit code ${code})`);
    }
    figure.ours.push(measured.ours);
    figure.reference.push(measured.reference);
  }
  return figure;
}

async function main(): Promise<void> {
  console.log(describe(await benchActivation()));
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

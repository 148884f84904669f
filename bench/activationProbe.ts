import { performance } from 'perf_hooks';
import * as vscode from 'vscode';

/**
 * Runs inside VS Code (as its extension-tests entry) for `bench/activation.ts`: activates the extension
 * and the empty reference extension, which nothing has activated yet (in the order given by
 * CKAFKA_PROBE_ORDER), and prints how long each took from asking VS Code to activate it to its `activate()`
 * returning: loading the code, VS Code's own preparation of the extension context, and `activate()`.
 */
async function timeActivation(id: string): Promise<number> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension || extension.isActive) {
    throw new Error(`${id} must be installed and not yet active`);
  }
  const started = performance.now();
  await extension.activate();
  return performance.now() - started;
}

export async function run(): Promise<void> {
  // The host has just started and is busy activating built-in extensions; let that settle first.
  await new Promise((r) => setTimeout(r, Number(process.env.CKAFKA_PROBE_SETTLE_MS ?? 3000)));
  const ids = { ours: 'ckafka-vscode.ckafka-vscode', reference: 'ckafka-vscode-test.empty-extension' };
  const order = process.env.CKAFKA_PROBE_ORDER === 'reference-first' ? (['reference', 'ours'] as const) : (['ours', 'reference'] as const);
  for (const which of order) {
    console.log(`ckafka-activation-ms:${which}:${(await timeActivation(ids[which])).toFixed(3)}`);
  }
}

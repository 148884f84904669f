import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../src/ctx';

/**
 * Runs inside VS Code (as its extension-tests entry) for `bench/activation.ts`: activates the extension,
 * which nothing has activated yet, and prints how long loading its code and running `activate()` took
 * together.
 */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<ExtensionApi>('ckafka-vscode.ckafka-vscode');
  if (!extension || extension.isActive) {
    throw new Error('the extension must be installed and not yet active');
  }
  // The host has just started and is busy activating built-in extensions; let that settle first.
  await new Promise((r) => setTimeout(r, Number(process.env.CKAFKA_PROBE_SETTLE_MS ?? 3000)));
  const started = performance.now();
  const api = await extension.activate();
  const ms = performance.now() - started;
  console.log(`ckafka-activation-ms:${ms.toFixed(3)}`);
  console.log(`ckafka-activation-connections:${api.clusters.list().filter((c) => api.connections.status(c.id) !== 'idle').length}`);
}

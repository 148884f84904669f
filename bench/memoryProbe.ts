import * as vscode from 'vscode';
import type { ExtensionApi } from '../src/extension';
import { SANDBOX_PASSWORD, SANDBOX_USER } from '../test/broker';

/**
 * Runs inside VS Code for `bench/hostMemory.ts`: starts a consumer on the benchmark topic through the
 * command, says so, and samples the extension host's RSS until the expected number of records has been
 * received and written to the output channel. `idle` is the RSS before the consumer started (and with it
 * the consumer thread), `before` the RSS once it runs.
 */
export async function run(): Promise<void> {
  const bootstrap = process.env.CKAFKA_BENCH_BOOTSTRAP as string;
  const topic = process.env.CKAFKA_BENCH_TOPIC as string;
  const expected = Number(process.env.CKAFKA_BENCH_RECORDS);
  const api = (await vscode.extensions.getExtension<ExtensionApi>('ckafka-vscode.ckafka-vscode')?.activate()) as ExtensionApi;
  await api.clusters.add({ id: 'bench', name: 'bench', bootstrapServers: bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER }, SANDBOX_PASSWORD);
  const idle = process.memoryUsage().rss;
  const id = await vscode.commands.executeCommand<string>('ckafka.startConsumer', { clusterId: 'bench', topic, from: 'latest' });
  const consumer = api.consumers.get(id);
  if (!consumer) {
    throw new Error('the consumer did not start');
  }
  const before = process.memoryUsage().rss;
  let peak = before;
  console.log(`ckafka-bench:ready`);
  const deadline = Date.now() + 180_000;
  let lastLog = 0;
  while (consumer.received < expected && Date.now() < deadline) {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
      console.log(`ckafka-bench:sample received=${consumer.received} flushes=${consumer.flushes} rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`ckafka-bench:memory received=${consumer.received} idle=${idle} before=${before} peak=${peak} after=${process.memoryUsage().rss}`);
  await vscode.commands.executeCommand('ckafka.stopAllConsumers');
}

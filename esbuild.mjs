// Bundles the extension for the .vsix: dist/extension.js, loaded at activation, and one bundle per library
// loaded on first use (kafkajs when a cluster is first used, snappyjs and fzstd on the first batch of their
// codec), each under dist/node_modules/<name>/ with its license, so activation pays for none of them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'fs';

const common = { bundle: true, minify: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning' };
const lazy = { kafkajs: 'node_modules/kafkajs/index.js', snappyjs: 'node_modules/snappyjs/index.js', fzstd: 'node_modules/fzstd/lib/index.js' };

await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...Object.keys(lazy)] });
// The Message Query panel, loaded when Query Messages first runs, and the worker thread its scans run in.
await build({ ...common, entryPoints: ['src/webviews/query/panel.ts'], outfile: 'dist/queryPanel.js', external: ['vscode', ...Object.keys(lazy)] });
await build({ ...common, entryPoints: ['src/kafka/query/worker.ts'], outfile: 'dist/queryWorker.js', external: Object.keys(lazy) });
for (const [name, entry] of Object.entries(lazy)) {
  await build({ ...common, entryPoints: [entry], outfile: `dist/node_modules/${name}/index.js` });
  mkdirSync(`dist/node_modules/${name}`, { recursive: true });
  copyFileSync(`node_modules/${name}/LICENSE`, `dist/node_modules/${name}/LICENSE`);
}

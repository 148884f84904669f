// Bundles the extension for the .vsix: dist/extension.js, loaded at activation; dist/consumerWorker.js, the
// script of the consumer thread (started with the first consumer); dist/queryPanel.js and dist/queryWorker.js,
// the Message Query panel and its scan thread (on first query); and one bundle per library loaded on
// first use (kafkajs when a cluster is first used, snappyjs and fzstd on the first batch of their codec),
// each under dist/node_modules/<name>/ with its license, so activation pays for none of them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/**
 * Every module's `import * as vscode from 'vscode'` would get its own copy of the whole API object
 * (esbuild's interop helper defines a getter for each of its hundreds of properties, once per module):
 * at activation that cost more than everything activate() does. Instead all modules import 'vscode'
 * from one module that reads the API once and exports by name what the sources use (`vscode.<name>`).
 */
function usedApiNames(dir) {
  const names = new Set();
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (String(entry).endsWith('.ts')) {
      for (const [, name] of readFileSync(join(dir, String(entry)), 'utf8').matchAll(/\bvscode\.([A-Za-z_$][\w$]*)/g)) {
        names.add(name);
      }
    }
  }
  return [...names].sort();
}
const apiNames = usedApiNames('src');
const oneVscode = {
  name: 'one-vscode',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'one-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'one-vscode' }));
    b.onLoad({ filter: /.*/, namespace: 'one-vscode' }, () => ({
      contents: `const api = require('vscode');\n${apiNames.map((name) => `export const ${name} = api.${name};`).join('\n')}`,
      loader: 'js',
    }));
  },
};

const common = { bundle: true, minify: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning', logOverride: { 'import-is-undefined': 'error' } };
const lazy = { kafkajs: 'node_modules/kafkajs/index.js', snappyjs: 'node_modules/snappyjs/index.js', fzstd: 'node_modules/fzstd/lib/index.js' };

await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: Object.keys(lazy), plugins: [oneVscode] });
// The consumer thread's script (src/kafka/consumerThread.ts starts it from beside dist/extension.js).
await build({ ...common, entryPoints: ['src/kafka/consumerWorker.ts'], outfile: 'dist/consumerWorker.js', external: Object.keys(lazy) });
// The Message Query panel, loaded when Query Messages first runs, and the worker thread its scans run in.
await build({ ...common, entryPoints: ['src/webviews/query/panel.ts'], outfile: 'dist/queryPanel.js', external: Object.keys(lazy), plugins: [oneVscode] });
await build({ ...common, entryPoints: ['src/kafka/query/worker.ts'], outfile: 'dist/queryWorker.js', external: Object.keys(lazy) });
for (const [name, entry] of Object.entries(lazy)) {
  await build({ ...common, entryPoints: [entry], outfile: `dist/node_modules/${name}/index.js` });
  mkdirSync(`dist/node_modules/${name}`, { recursive: true });
  copyFileSync(`node_modules/${name}/LICENSE`, `dist/node_modules/${name}/LICENSE`);
}

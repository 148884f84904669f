import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Every string the user reads has an English and a Chinese entry, and no entry is left over: the runtime
 * strings (`vscode.l10n.t`, exported from src/ by @vscode/l10n-dev into l10n/) and the manifest's
 * `%key%` placeholders (package.nls.json, package.nls.zh-cn.json).
 */
const root = path.resolve(__dirname, '..', '..', '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
const placeholders = (text: string) => (text.match(/\{\d+\}/g) ?? []).sort();

function exportedKeys(): string[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-l10n-'));
  const cli = path.join(root, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js');
  execFileSync(process.execPath, [cli, 'export', '-o', out, path.join(root, 'src')], { stdio: 'ignore' });
  const keys = Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')) as object);
  fs.rmSync(out, { recursive: true, force: true });
  return keys.sort();
}

function manifestKeys(): string[] {
  const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  return [...new Set([...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))].sort();
}

function missingAndUnused(expected: string[], actual: string[]): { missing: string[]; unused: string[] } {
  return { missing: expected.filter((k) => !actual.includes(k)), unused: actual.filter((k) => !expected.includes(k)) };
}

describe('localization bundles', function () {
  this.timeout(60_000);

  it('package.json points VS Code at the l10n folder', () => {
    assert.strictEqual(readJson('package.json').l10n, './l10n');
  });

  it('l10n/bundle.l10n.json is what `npm run l10n` exports from src/ now', () => {
    assert.deepStrictEqual(Object.keys(readJson('l10n/bundle.l10n.json')).sort(), exportedKeys());
  });

  it('the zh-cn runtime bundle translates every string, keeps its placeholders, and has nothing unused', () => {
    const keys = exportedKeys();
    const zh = readJson('l10n/bundle.l10n.zh-cn.json');
    assert.deepStrictEqual(missingAndUnused(keys, Object.keys(zh)), { missing: [], unused: [] });
    for (const key of keys) {
      const value = zh[key];
      assert.ok(typeof value === 'string' && value.trim() !== '', `"${key}" has a translation`);
      assert.deepStrictEqual(placeholders(value as string), placeholders(key), `"${key}" keeps its placeholders`);
    }
  });

  for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
    it(`${file} has an entry for every %key% of package.json, and no other`, () => {
      const nls = readJson(file);
      assert.deepStrictEqual(missingAndUnused(manifestKeys(), Object.keys(nls)), { missing: [], unused: [] });
      assert.ok(Object.values(nls).every((v) => typeof v === 'string' && v.trim() !== ''));
    });
  }
});

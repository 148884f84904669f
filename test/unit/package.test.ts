import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What goes into the .vsix: `vsce ls`, which lists the files `vsce package` takes, against this list. A file
 * that starts to ship (a new folder, a loosened .vscodeignore) fails here until it is added on purpose.
 */
const SHIPPED = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'package.json',
  'package.nls.json',
  'package.nls.zh-cn.json',
  'l10n/bundle.l10n.json',
  'l10n/bundle.l10n.zh-cn.json',
  'dist/consumerWorker.js',
  'dist/extension.js',
  'dist/node_modules/fzstd/LICENSE',
  'dist/node_modules/fzstd/index.js',
  'dist/node_modules/kafkajs/LICENSE',
  'dist/node_modules/kafkajs/index.js',
  'dist/node_modules/snappyjs/LICENSE',
  'dist/node_modules/snappyjs/index.js',
  'dist/queryPanel.js',
  'dist/queryWorker.js',
  'media/ckafka.svg',
  'media/icon.png',
  'media/query/query.css',
  'media/query/query.js',
  'media/walkthrough/add-cluster.md',
  'media/walkthrough/add-cluster.zh-cn.md',
  'media/walkthrough/consumer.jpg',
  'media/walkthrough/explorer.jpg',
  'media/walkthrough/produce.jpg',
];

const root = path.resolve(__dirname, '..', '..', '..');

/** Every .js file `npm run bundle` wrote under dist/, relative to the root. */
function bundles(): string[] {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(dist)) {
    return [];
  }
  return fs
    .readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => `dist/${file.split(path.sep).join('/')}`);
}

/** The files `vsce package` would put in the .vsix, as `vsce ls` lists them. */
function vsceLs(): string[] {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}

interface Manifest {
  icon: string;
  contributes: {
    viewsContainers: Record<string, { icon: string }[]>;
    walkthroughs: { steps: { media: { image?: string; markdown?: string } }[] }[];
  };
}

/** Every file the manifest names, with `%key%` paths resolved in each language. */
function manifestFiles(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  const bundles = ['package.nls.json', 'package.nls.zh-cn.json'].map((file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>);
  const resolve = (value: string) => {
    const key = value.match(/^%(.+)%$/)?.[1];
    return key === undefined ? [value] : bundles.map((bundle) => bundle[key]);
  };
  const named = [
    manifest.icon,
    ...Object.values(manifest.contributes.viewsContainers).flatMap((containers) => containers.map((c) => c.icon)),
    ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => [s.media.image, s.media.markdown])),
  ];
  return [...new Set(named.filter((file): file is string => file !== undefined).flatMap(resolve))].sort();
}

describe('the .vsix contents', function () {
  this.timeout(60_000);
  let listed: string[];
  before(() => {
    listed = vsceLs();
  });

  it('are exactly the allowed files (dist/ once built)', () => {
    // Before `npm run bundle` there is no dist/ to list; after it, every bundle must be there.
    const built = fs.existsSync(path.join(root, 'dist', 'extension.js'));
    const expected = SHIPPED.filter((file) => built || !file.startsWith('dist/')).sort();
    const unlisted = listed.filter((file) => !expected.includes(file));
    const missing = expected.filter((file) => !listed.includes(file));
    assert.deepStrictEqual({ unlisted, missing }, { unlisted: [], missing: [] }, 'a file ships that is not on the list, or a listed file does not ship');
  });

  it('hold every bundle esbuild makes, the consumer thread script included', function () {
    const made = bundles();
    if (made.length === 0) {
      this.skip(); // not bundled yet: `npm run build` first
    }
    assert.ok(made.includes('dist/consumerWorker.js'), `the bundles made: ${made.join(', ')}`);
    assert.deepStrictEqual(
      made.filter((file) => !listed.includes(file)),
      [],
      'bundles missing from the .vsix',
    );
  });

  it('hold every file the manifest names: the icon, the view icon, each walkthrough picture and page in English and Chinese', () => {
    const named = manifestFiles();
    assert.ok(named.includes('media/icon.png') && named.includes('media/walkthrough/add-cluster.zh-cn.md'), named.join(', '));
    for (const file of named) {
      assert.ok(listed.includes(file), `${file} is named by the manifest but not packaged`);
    }
  });

  it('have a 128×128 PNG icon', () => {
    const png = fs.readFileSync(path.join(root, 'media', 'icon.png'));
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG signature');
    assert.deepStrictEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
  });
});

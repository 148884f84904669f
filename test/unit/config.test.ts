import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_TIMEOUTS } from '../../src/kafka/cluster';
import { DEFAULT_FORMAT } from '../../src/kafka/format';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES } from '../../src/kafka/lineLimits';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string }> } };
  capabilities?: { untrustedWorkspaces?: { supported: unknown; restrictedConfigurations?: string[] } };
};
const properties = manifest.contributes.configuration.properties;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('settings: one typed reader, with the defaults of package.json', () => {
  const configTs = fs.readFileSync(path.join(root, 'src', 'config.ts'), 'utf8');

  it('src/config.ts reads every ckafka.* setting but ckafka.clusters, which ClusterStore reads', () => {
    for (const key of Object.keys(properties).filter((k) => k !== 'ckafka.clusters')) {
      const [, sectionName, name] = /^ckafka\.(?:([a-z]+)\.)?([A-Za-z]+)$/.exec(key) ?? [];
      assert.ok(name && configTs.includes(`'${name}'`) && (sectionName === undefined || configTs.includes(`section('${sectionName}')`)), `${key} is read in src/config.ts`);
    }
  });

  it('no other file of src/ reads the configuration', () => {
    const readers = sources(path.join(root, 'src'))
      .filter((f) => fs.readFileSync(f, 'utf8').includes('getConfiguration('))
      .map((f) => path.relative(root, f))
      .sort();
    assert.deepStrictEqual(readers, ['src/clusters/store.ts', 'src/config.ts']);
  });

  it('the fallbacks used for invalid values are the defaults package.json declares', () => {
    assert.strictEqual(properties['ckafka.consumer.maxLines'].default, DEFAULT_MAX_LINES);
    assert.strictEqual(properties['ckafka.consumer.maxBytes'].default, DEFAULT_MAX_BYTES);
    assert.strictEqual(properties['ckafka.consumer.maxValueLength'].default, DEFAULT_FORMAT.maxValueLength);
    assert.strictEqual(properties['ckafka.consumer.format'].default, DEFAULT_FORMAT.format);
    assert.strictEqual(properties['ckafka.consumer.binaryEncoding'].default, DEFAULT_FORMAT.binaryEncoding);
    assert.strictEqual(properties['ckafka.connectionTimeoutMs'].default, DEFAULT_TIMEOUTS.connectionTimeoutMs);
  });

  it('a workspace cannot set the clusters, and an untrusted one not what is produced', () => {
    assert.strictEqual(properties['ckafka.clusters'].scope, 'application');
    assert.strictEqual(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
    for (const key of ['ckafka.produce.format', 'ckafka.produce.keySeparator', 'ckafka.produce.compression', 'ckafka.connectionTimeoutMs']) {
      assert.ok(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations?.includes(key), key);
    }
  });
});

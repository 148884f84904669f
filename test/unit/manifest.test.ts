import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  icon: string;
  categories: string[];
  keywords: string[];
  galleryBanner: { color: string; theme: string };
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  contributes: { commands: { command: string }[]; walkthroughs: { steps: { id: string; description: string; media: { image?: string; markdown?: string }; completionEvents: string[] }[] }[] };
};
const nls = ['package.nls.json', 'package.nls.zh-cn.json'].map((file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>);
/** A manifest value in each language: `%key%` looked up in package.nls.json and package.nls.zh-cn.json. */
const localized = (value: string): string[] => {
  const key = value.match(/^%(.+)%$/)?.[1];
  return key === undefined ? [value] : nls.map((bundle) => bundle[key]);
};

describe('the walkthrough', () => {
  const steps = manifest.contributes.walkthroughs[0].steps;
  const commands = manifest.contributes.commands.map((c) => c.command);

  it('has the four steps, each with a completion event', () => {
    assert.deepStrictEqual(
      steps.map((s) => s.id),
      ['addCluster', 'browseTopics', 'produce', 'consume'],
    );
    assert.ok(steps.every((s) => s.completionEvents.length > 0));
  });

  it('completes on commands the extension contributes, and shows images that exist', () => {
    for (const step of steps) {
      for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:'))) {
        assert.ok(commands.includes(event.slice('onCommand:'.length)), `${step.id}: ${event}`);
      }
      const media = step.media.image ?? step.media.markdown ?? '';
      for (const file of localized(media)) {
        assert.ok(file && fs.existsSync(path.join(root, file)), `${step.id}: ${media} → ${file}`);
      }
    }
  });

  it('speaks to someone who installed the extension: no step assumes its source folder', () => {
    for (const step of steps) {
      for (const text of localized(step.description)) {
        assert.doesNotMatch(text, /npm |sandbox|源码|沙箱/, step.id);
      }
    }
    for (const page of steps.flatMap((s) => (s.media.markdown ? localized(s.media.markdown) : []))) {
      assert.doesNotMatch(fs.readFileSync(path.join(root, page), 'utf8'), /npm |sandbox|源码|沙箱/, page);
    }
  });
});

describe('the Marketplace listing', () => {
  /** The categories VS Code and the Marketplace know. */
  const CATEGORIES = ['AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization'];

  it('has an icon, a banner, known categories, and where the source and the issues are', () => {
    assert.strictEqual(manifest.icon, 'media/icon.png');
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.ok(manifest.categories.length > 0 && manifest.categories.every((c) => CATEGORIES.includes(c)), manifest.categories.join(', '));
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const repo = manifest.repository.url.replace(/\.git$/, '');
    assert.strictEqual(manifest.homepage, `${repo}#readme`);
    assert.strictEqual(manifest.bugs.url, `${repo}/issues`);
  });

  it('has at most 30 distinct keywords, the Chinese terms among them', () => {
    assert.ok(manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
    assert.strictEqual(new Set(manifest.keywords.map((k) => k.toLowerCase())).size, manifest.keywords.length, 'no keyword twice');
    for (const keyword of ['kafka', 'ckafka', '腾讯云', '消息队列', 'tencent cloud']) {
      assert.ok(manifest.keywords.includes(keyword), keyword);
    }
  });
});

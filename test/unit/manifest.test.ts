import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; walkthroughs: { steps: { id: string; media: { image: string }; completionEvents: string[] }[] }[] };
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
      assert.ok(fs.existsSync(path.join(root, step.media.image)), `${step.id}: ${step.media.image}`);
    }
  });
});

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { startSandboxBroker } from '../broker/sandbox';
import type { Page } from './browser';
import { runInHost } from './vscode';

/**
 * `npm run screenshots`: the README's pictures, taken from a real VS Code running the extension against the
 * local broker with the sandbox's demo data. The driver (test/screenshots/driver.ts) runs inside VS Code and
 * sets up each view through the vscode API; this script takes the picture when it asks.
 * Chinese text needs a CJK font for chromium (Debian: fonts-noto-cjk).
 */
const root = path.resolve(__dirname, '..', '..', '..');
const target = path.join(root, 'media', 'screenshots');
const walkthrough = path.join(root, 'media', 'walkthrough');

function checkFonts(): void {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  } catch {
    // fc-list missing: same advice.
  }
  if (fonts.trim() === '') {
    throw new Error('No Chinese font for chromium: install one first, e.g. `apt-get install fonts-noto-cjk`.');
  }
}

/** Drags the sash between the side bar and the editor to the right, so tree labels are not cut. */
async function widenSidebar(page: Page): Promise<void> {
  await page.mouse.move(220, 360);
  await page.mouse.down();
  await page.mouse.move(560, 360, { steps: 8 });
  await page.mouse.up();
}

async function main(): Promise<void> {
  checkFonts();
  const broker = await startSandboxBroker({ users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
  const shotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-shots-'));
  fs.mkdirSync(target, { recursive: true });
  fs.mkdirSync(walkthrough, { recursive: true });
  const taken: string[] = [];
  try {
    const code = await runInHost({
      testsPath: path.join(root, 'out', 'test', 'screenshots', 'driver.js'),
      folder: path.join(root, 'test', 'fixtures', 'sandbox'),
      server: { env: { CKAFKA_SHOT_DIR: shotDir, CKAFKA_SHOT_BOOTSTRAP: broker.bootstrap } },
      timeoutMs: 5 * 60_000,
      viewport: { width: 1200, height: 720 },
      onLog: (text, _type, page) => {
        const asked = text.match(/^ckafka-screenshot:([\w-]+)(?:@(\d+),(\d+),(\d+),(\d+))?$/);
        if (asked?.[1] === 'widen-sidebar') {
          void widenSidebar(page).then(() => fs.writeFileSync(path.join(shotDir, `${asked[1]}.done`), ''));
        } else if (asked) {
          // PNG for the README; for a shot with a clip, a small JPEG for the walkthrough, which ships in the .vsix.
          const png = path.join(target, `${asked[1]}.png`);
          const jpeg = path.join(walkthrough, `${asked[1]}.jpg`);
          void (async () => {
            await page.screenshot({ path: png });
            taken.push(path.relative(root, png));
            if (asked[2]) {
              const [x, y, width, height] = asked.slice(2).map(Number);
              await page.screenshot({ path: jpeg, type: 'jpeg', quality: 50, clip: { x, y, width, height } });
              taken.push(path.relative(root, jpeg));
            }
            fs.writeFileSync(path.join(shotDir, `${asked[1]}.done`), '');
          })();
        } else if (/ckafka|Error/i.test(text)) {
          console.log(text);
        }
      },
    });
    if (code !== 0) {
      throw new Error(`the screenshot driver failed (exit code ${code})`);
    }
    console.log(`screenshots written: ${taken.join(', ')}`);
  } finally {
    await broker.stop();
    fs.rmSync(shotDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

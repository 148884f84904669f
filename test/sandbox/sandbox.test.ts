import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { SANDBOX_PASSWORD } from '../broker';
import { Browser, launchBrowser } from '../host/browser';
import { ensureTools } from '../host/tools';

/** Resolves when `port` on 127.0.0.1 refuses connections. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/** Files under `dir` whose bytes contain `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  const found: string[] = [];
  const needle = Buffer.from(secret);
  const visit = (p: string) => {
    const stat = fs.lstatSync(p);
    if (stat.isDirectory()) {
      fs.readdirSync(p).forEach((name) => visit(path.join(p, name)));
    } else if (stat.isFile() && fs.readFileSync(p).includes(needle)) {
      found.push(p);
    }
  };
  visit(dir);
  return found;
}

describe('npm run sandbox', function () {
  this.timeout(600_000);
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  /** This test's own folder: the browser profile, the probe's report, and the sandbox's TMPDIR. */
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-sandbox-check-'));

  after(async () => {
    await browser?.close().catch(() => undefined);
    child?.kill('SIGKILL');
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('prints a URL whose VS Code shows the demo topics in the CKafka view, and stops everything on Ctrl-C', async () => {
    const started = Date.now();
    // Another extension in the same VS Code, which tries to reach a password through CKafka's exports.
    const probeOut = path.join(scratch, 'exports.json');
    const probe = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'exports-probe');
    // The sandbox's temporary folder, to see that it leaves nothing there.
    const sandboxTmp = path.join(scratch, 'tmp');
    fs.mkdirSync(sandboxTmp);
    child = spawn(process.execPath, [path.join(__dirname, '..', 'host', 'sandbox.js'), '--port', '0', '--broker-port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CKAFKA_SANDBOX_EXTRA_EXTENSIONS: probe, CKAFKA_PROBE_OUT: probeOut, TMPDIR: sandboxTmp },
    });
    let output = '';
    const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const url = output.match(/VS Code\s+: (http:\/\/127\.0\.0\.1:(\d+)\/\S*)[\s\S]*bootstrap servers\s+: 127\.0\.0\.1:(\d+)[\s\S]*VS Code data\s+: (\S+)/);
        if (url) {
          resolve(url);
        }
      });
      child?.once('exit', (code) => reject(new Error(`the sandbox exited with ${code} before printing its URL:\n${output}`)));
    });
    const [, url, vscodePort, brokerPort, dataDir] = ready;
    console.log(`      the sandbox printed its URL after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The packaged README, as the Marketplace shows it: its pictures are not in the .vsix, so each must be an
    // absolute address of a file in the repository.
    const root = path.resolve(__dirname, '..', '..', '..');
    const repository = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url.replace(/\.git$/, '');
    const installed = fs.readdirSync(path.join(dataDir, 'ext')).find((name) => name.startsWith('ckafka-vscode.ckafka-vscode-')) ?? '';
    const readmeName = fs.readdirSync(path.join(dataDir, 'ext', installed)).find((name) => name.toLowerCase() === 'readme.md') ?? 'readme.md';
    const readme = fs.readFileSync(path.join(dataDir, 'ext', installed, readmeName), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.ok(images.length >= 3, `the README shows pictures: ${images.join(', ')}`);
    for (const src of images) {
      const file = src.startsWith(`${repository}/raw/HEAD/`) ? src.slice(`${repository}/raw/HEAD/`.length) : undefined;
      assert.ok(file !== undefined && fs.existsSync(path.join(root, file)), `${src} is an address of a file in ${repository}`);
    }

    browser = await launchBrowser(ensureTools(), path.join(scratch, 'profile'));
    const page = browser.page;
    await page.goto(url, { timeout: 60_000 });
    await page.locator('.activitybar [aria-label^="CKafka"]').first().click();
    await page.locator('.monaco-list-row[aria-label^="sandbox"]').first().waitFor({ timeout: 60_000 });
    await page.locator('.monaco-list-row[aria-label^="sandbox"]').first().click();
    await page.locator('.monaco-list-row[aria-label^="Topics"]').first().waitFor({ timeout: 60_000 });
    // The keyboard, not the mouse: a row's hover card may cover the next row.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    try {
      await page.locator('.monaco-list-row[aria-label^="orders"]').first().waitFor({ timeout: 60_000 });
      await page.locator('.monaco-list-row[aria-label^="events"]').first().waitFor({ timeout: 10_000 });
    } catch (error) {
      // Kept for a person to look at, in the build output rather than the temporary folder.
      const shot = path.resolve(__dirname, '..', 'sandbox-failure.png');
      await page.screenshot({ path: shot });
      throw new Error(`${(error as Error).message}\nthe page at that moment: ${shot}`);
    }
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(probeOut) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const seen = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as { found: boolean; exportsType: string; keys: string[]; password: string | null; error: string | null };
    assert.deepStrictEqual(seen, { found: true, exportsType: 'undefined', keys: [], password: null, error: null }, 'another extension gets nothing from the exports');
    await browser.close();
    browser = undefined;

    // Everything but the installed extension itself, whose README documents the demo password.
    const holding = fs
      .readdirSync(dataDir)
      .filter((name) => name !== 'ext')
      .flatMap((name) => filesContaining(path.join(dataDir, name), SANDBOX_PASSWORD));
    assert.deepStrictEqual(holding, [], 'no file of the sandbox VS Code holds the password');

    const running = child;
    const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
    running.kill('SIGINT');
    assert.strictEqual(await exited, 0, 'Ctrl-C ends the sandbox cleanly');
    child = undefined;
    assert.ok(await refuses(Number(vscodePort)), 'VS Code is stopped');
    assert.ok(await refuses(Number(brokerPort)), 'the broker is stopped');
    assert.ok(!fs.existsSync(dataDir), 'its data folder is removed');
    assert.deepStrictEqual(fs.readdirSync(sandboxTmp), [], 'the sandbox leaves nothing in its temporary folder');
  });
});

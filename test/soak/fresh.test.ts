import * as assert from 'assert';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * The README's first two commands, `npm ci` and `npm run sandbox`, as a newcomer runs them: in a copy of the
 * repository's files (what a clone has, with this work tree's changes), with an empty tool cache, and with no
 * browser to be found (PATH hides chromium and CKAFKA_CHROMIUM names nothing). The sandbox must become ready,
 * stop on Ctrl-C, and leave nothing in its temporary folder. Installing code-server takes minutes, so this
 * lives in the soak layer.
 */
const root = path.resolve(__dirname, '..', '..', '..');

/** PATH with every folder that holds a chromium replaced by a folder of links to everything else in it. */
function pathWithout(hidden: RegExp, shadowRoot: string): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((dir, i) => {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        return dir;
      }
      if (!names.some((name) => hidden.test(name))) {
        return dir;
      }
      const shadow = path.join(shadowRoot, String(i));
      fs.mkdirSync(shadow, { recursive: true });
      names.filter((name) => !hidden.test(name)).forEach((name) => fs.symlinkSync(path.join(dir, name), path.join(shadow, name)));
      return shadow;
    })
    .join(path.delimiter);
}

/** The repository's files as a clone has them (tracked and new, not ignored), with this work tree's contents. */
function copyRepository(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((f) => f !== '' && fs.existsSync(path.join(root, f)))) {
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(to, file));
    fs.chmodSync(path.join(to, file), fs.statSync(path.join(root, file)).mode);
  }
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; log: string }): Promise<number | null> {
  return new Promise((resolve) => {
    const out = fs.openSync(options.log, 'a');
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, out] });
    child.on('exit', (code) => {
      fs.closeSync(out);
      resolve(code);
    });
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, condition: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${ms / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a fresh machine: npm ci && npm run sandbox', function () {
  this.timeout(40 * 60_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-fresh-'));
  const clone = path.join(scratch, 'clone');
  const cache = path.join(scratch, 'cache');
  const tmp = path.join(scratch, 'tmp');
  const log = path.join(scratch, 'commands.log');
  let sandbox: ChildProcess | undefined;

  after(() => {
    if (sandbox?.pid !== undefined && groupAlive(sandbox.pid)) {
      process.kill(-sandbox.pid, 'SIGKILL');
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('becomes ready with an empty tool cache and no browser, stops on Ctrl-C, and leaves nothing behind', async () => {
    copyRepository(clone);
    fs.mkdirSync(cache);
    fs.mkdirSync(tmp);
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(k))),
      PATH: pathWithout(/^chrom/, path.join(scratch, 'path')),
      CKAFKA_CHROMIUM: path.join(scratch, 'no-chromium'),
      CKAFKA_TEST_CACHE: cache,
      TMPDIR: tmp,
    };
    assert.notStrictEqual(spawnSync('sh', ['-c', 'command -v chromium'], { env }).status, 0, 'chromium is hidden from PATH');
    const showLog = () => `\n--- commands.log ---\n${fs.readFileSync(log, 'utf8').slice(-6000)}`;

    let started = Date.now();
    assert.strictEqual(await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, env, log }), 0, `npm ci${showLog()}`);
    console.log(`      npm ci: ${((Date.now() - started) / 1000).toFixed(0)} s`);

    started = Date.now();
    const child = spawn('npm', ['run', 'sandbox', '--', '--port', '0', '--broker-port', '0'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    sandbox = child;
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      fs.appendFileSync(log, chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let ended = false;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exited.then(() => (ended = true));
    const ready = /CKafka sandbox is ready[\s\S]*VS Code\s+: (http:\/\/127\.0\.0\.1:(\d+)\/\S*)[\s\S]*bootstrap servers\s+: 127\.0\.0\.1:(\d+)[\s\S]*VS Code data\s+: (\S+)/;
    await until(
      'the sandbox prints its URL',
      () => {
        if (ended) {
          throw new Error(`npm run sandbox ended before it was ready${showLog()}`);
        }
        return ready.test(output);
      },
      30 * 60_000,
    );
    const [, url, vscodePort, brokerPort, dataDir] = output.match(ready) ?? [];
    console.log(`      npm run sandbox, empty tool cache: ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const page = await get(url);
    assert.strictEqual(page.status, 200);
    assert.match(page.body, /workbench/, 'VS Code serves its workbench');
    assert.ok(await accepts(Number(brokerPort)), 'the broker listens');
    assert.ok(
      fs.readdirSync(path.join(dataDir, 'ext')).some((name) => name.startsWith('ckafka-vscode.ckafka-vscode-')),
      'the packaged extension is installed',
    );
    assert.ok(fs.existsSync(path.join(cache, 'cs', 'node_modules', 'code-server')), 'code-server was installed into the empty cache');
    assert.ok(!fs.existsSync(path.join(cache, 'pw')), 'nothing for a browser was installed');

    // Ctrl-C in a terminal signals the whole foreground group: npm, the shell and the sandbox.
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;
    await until('every process of npm run sandbox ends', () => !groupAlive(child.pid as number), 30_000);
    await until('VS Code stops', async () => !(await accepts(Number(vscodePort))), 10_000);
    assert.ok(!(await accepts(Number(brokerPort))), 'the broker is stopped');
    assert.ok(!fs.existsSync(dataDir), 'its data folder is removed');
    assert.deepStrictEqual(fs.readdirSync(tmp), [], 'npm ci and the sandbox leave nothing in the temporary folder');
  });
});

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * test/host/prerequisites.mjs, the first thing `npm test` and `npm run sandbox` run, on a machine made up for
 * each case: PATH is one folder holding only the commands the case says are installed, and the tool cache is
 * empty or holds a code-server.
 */
const script = path.resolve(__dirname, '..', '..', '..', 'test', 'host', 'prerequisites.mjs');
const root = process.getuid?.() === 0;

interface Machine {
  bin: string;
  cache: string;
  aptLog: string;
}

function stub(file: string, body = 'exit 0'): void {
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
}

/** A machine whose PATH has only `commands`; `apt` adds an apt-get that records its calls and installs stubs. */
function machine(scratch: string, commands: string[], options: { apt?: boolean; codeServer?: boolean } = {}): Machine {
  const bin = fs.mkdtempSync(path.join(scratch, 'bin-'));
  const cache = fs.mkdtempSync(path.join(scratch, 'cache-'));
  const aptLog = path.join(cache, 'apt.log');
  commands.forEach((name) => stub(path.join(bin, name)));
  if (options.apt) {
    // Each package brings the command the check looks for (libkrb5-dev brings krb5-config).
    stub(
      path.join(bin, 'apt-get'),
      [
        `echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> '${aptLog}'`,
        'for p in "$@"; do',
        '  case "$p" in -*|update|install) ;; libkrb5-dev) c=krb5-config ;; *) c="$p" ;; esac',
        `  case "$p" in -*|update|install) ;; *) printf '#!/bin/sh\\n' > '${bin}'/"$c"; /bin/chmod +x '${bin}'/"$c" ;; esac`,
        'done',
      ].join('\n'),
    );
  }
  if (options.codeServer) {
    const main = path.join(cache, 'cs', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
    fs.mkdirSync(path.dirname(main), { recursive: true });
    fs.writeFileSync(main, '');
  }
  // Readable by the unprivileged user the non-root cases run as.
  for (const dir of [scratch, bin, cache]) {
    fs.chmodSync(dir, 0o777);
  }
  return { bin, cache, aptLog };
}

function check(m: Machine, mode: 'sandbox' | 'test', options: { asUser?: boolean } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: m.bin, CKAFKA_TEST_CACHE: m.cache, HOME: m.cache };
  const started = process.hrtime.bigint();
  // As root, the non-root cases run as nobody.
  const user = options.asUser && root ? { uid: 65534, gid: 65534 } : {};
  const run = spawnSync(process.execPath, [script, mode], { env, encoding: 'utf8', ...user });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`      (${mode} check: exit ${run.status} after ${ms.toFixed(0)} ms)`);
  const apt = fs.existsSync(m.aptLog) ? fs.readFileSync(m.aptLog, 'utf8').trim().split('\n') : [];
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, apt };
}

const buildTools = ['g++', 'make', 'python3', 'krb5-config'];

describe('the prerequisites check', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-prereq-'));
  });
  afterEach(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('npm test, run by a user without root, stops with the one apt-get command that installs what is missing', () => {
    const m = machine(scratch, buildTools, { apt: true });
    const r = check(m, 'test', { asUser: true });
    assert.strictEqual(r.status, 1, r.stderr);
    const commands = r.stderr.split('\n').filter((line) => /apt-get/.test(line));
    assert.deepStrictEqual(commands, ['  sudo apt-get update && sudo apt-get install -y chromium kcat lz4'], r.stderr);
    assert.match(r.stderr, /chromium +the browser/);
    assert.deepStrictEqual(r.apt, [], 'nothing was installed');
  });

  it('npm test, run as root on Debian, installs what is missing with apt-get and goes on', function () {
    if (!root) {
      this.skip();
    }
    const m = machine(scratch, ['g++', 'make', 'python3', 'kcat'], { apt: true });
    const r = check(m, 'test');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(r.apt, ['DEBIAN_FRONTEND=noninteractive update -q', 'DEBIAN_FRONTEND=noninteractive install -y -q libkrb5-dev chromium lz4']);
    assert.match(r.stdout, /installing libkrb5-dev chromium lz4 with apt-get/);
  });

  it('npm test with everything there says nothing and installs nothing', () => {
    const m = machine(scratch, [...buildTools, 'chromium', 'kcat', 'lz4'], { apt: true });
    const r = check(m, 'test');
    assert.deepStrictEqual([r.status, r.stdout, r.stderr, r.apt], [0, '', '', []]);
  });

  it('npm run sandbox needs no browser, kcat or lz4', () => {
    const m = machine(scratch, buildTools, { apt: true });
    const r = check(m, 'sandbox');
    assert.deepStrictEqual([r.status, r.stdout, r.stderr, r.apt], [0, '', '', []]);
  });

  it('npm run sandbox, before code-server is installed, names the missing Kerberos headers and the command, and installs nothing', () => {
    const m = machine(scratch, ['g++', 'make', 'python3'], { apt: true });
    const r = check(m, 'sandbox');
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /libkrb5-dev +the Kerberos headers code-server's kerberos module is built with/);
    const sudo = root ? '' : 'sudo ';
    assert.ok(r.stderr.includes(`\n  ${sudo}apt-get update && ${sudo}apt-get install -y libkrb5-dev\n`), r.stderr);
    assert.deepStrictEqual(r.apt, []);
  });

  it('npm run sandbox, once code-server is in the tool cache, needs nothing from the system', () => {
    const m = machine(scratch, [], { codeServer: true });
    const r = check(m, 'sandbox');
    assert.deepStrictEqual([r.status, r.stderr], [0, '']);
  });
});

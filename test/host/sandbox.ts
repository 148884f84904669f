import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { LocalBroker, SANDBOX_PASSWORD, SANDBOX_USER } from '../broker';
import { startSandboxBroker, stopOnSignals } from '../broker/sandbox';
import { dataDirArgs, freePort, Server, startServer } from './codeServer';
import { ensureServerTools } from './tools';
import { packageVsix } from './vsix';

/**
 * `npm run sandbox`: everything a newcomer needs to try the extension, with no CKafka instance.
 * - a local SASL_PLAINTEXT broker with the demo topics, records and user;
 * - a VS Code (code-server's VS Code, on 127.0.0.1) with the freshly packaged extension installed, the demo
 *   cluster in its user settings, and its password handed over through the environment so the extension
 *   stores it in SecretStorage (no file ever holds it);
 * - a workspace with sample files to produce.
 * It prints the URL to open (in the user's own browser: the sandbox needs none), and stops everything on
 * Ctrl-C, leaving nothing behind in the temporary folder.
 */
const root = path.resolve(__dirname, '..', '..', '..');
export const SANDBOX_CLUSTER_ID = 'sandbox';
const HELP = 'usage: npm run sandbox -- [--port 8080] [--broker-port 9092]   (0 picks a free port)';

export interface Sandbox {
  url: string;
  /** VS Code's user data, extensions and the workspace copy; removed on stop. */
  dataDir: string;
  broker: LocalBroker;
  server: Server;
  stop(): Promise<void>;
}

/** A port that is free now: the wished one, or any when it is taken or 0. */
async function portOr(wished: number): Promise<number> {
  if (wished === 0) {
    return freePort();
  }
  const net = await import('net');
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(wished, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? wished : freePort();
}

export async function startSandbox(options: { port?: number; brokerPort?: number; log?: (line: string) => void } = {}): Promise<Sandbox> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tools = ensureServerTools();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-sandbox-'));
  const broker = await startSandboxBroker({ ports: [await portOr(options.brokerPort ?? 9092)], users: { [SANDBOX_USER]: SANDBOX_PASSWORD } });
  let server: Server | undefined;
  try {
    log(`[sandbox] broker on ${broker.bootstrap}; packaging and installing the extension`);
    const vsix = path.join(dataDir, 'ckafka-vscode.vsix');
    packageVsix(vsix);
    const tmp = path.join(dataDir, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    execFileSync(tools.node, [tools.serverMain, ...dataDirArgs(dataDir), '--install-extension', vsix], { stdio: 'ignore', env: { ...process.env, HOME: path.join(dataDir, 'home'), TMPDIR: tmp } });
    writeUserSettings(path.join(dataDir, 'user', 'User', 'settings.json'), broker.bootstrap);
    const workspace = path.join(dataDir, 'workspace');
    fs.cpSync(path.join(root, 'test', 'fixtures', 'sandbox'), workspace, { recursive: true });
    server = await startServer(tools, {
      dataDir,
      // Tests install other extensions beside it (a comma-separated list of extension folders).
      install: (process.env.CKAFKA_SANDBOX_EXTRA_EXTENSIONS ?? '').split(',').filter((folder) => folder !== ''),
      port: await portOr(options.port ?? 8080),
      env: { CKAFKA_SANDBOX_CLUSTER_ID: SANDBOX_CLUSTER_ID, CKAFKA_SANDBOX_PASSWORD: SANDBOX_PASSWORD },
    });
    const url = `http://127.0.0.1:${server.port}/?${new URLSearchParams({ folder: workspace }).toString()}`;
    const running = server;
    return {
      url,
      dataDir,
      broker,
      server: running,
      stop: async () => {
        await running.stop();
        await broker.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The demo cluster as Add Cluster would have saved it: no password here. */
function writeUserSettings(file: string, bootstrap: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = {
    'ckafka.clusters': [
      { id: SANDBOX_CLUSTER_ID, name: 'sandbox', bootstrapServers: bootstrap, securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: SANDBOX_USER },
    ],
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
  };
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'broker-port': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port ?? process.env.CKAFKA_SANDBOX_VSCODE_PORT ?? 8080);
  const brokerPort = Number(values['broker-port'] ?? process.env.CKAFKA_SANDBOX_PORT ?? 9092);
  if (![port, brokerPort].every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) {
    throw new Error(`bad port\n${HELP}`);
  }
  const started = Date.now();
  const sandbox = await startSandbox({ port, brokerPort });
  console.log('');
  console.log(`CKafka sandbox is ready (${((Date.now() - started) / 1000).toFixed(1)} s). Press Ctrl-C to stop everything.`);
  console.log(`  VS Code           : ${sandbox.url}`);
  console.log(`  bootstrap servers : ${sandbox.broker.bootstrap} (SASL_PLAINTEXT, PLAIN)`);
  console.log(`  user              : ${SANDBOX_USER} (the password is already in the extension's secret storage)`);
  console.log(`  VS Code data      : ${sandbox.dataDir} (removed on stop)`);
  console.log(`  topics            : ${sandbox.broker.cluster.topics.all().map((t) => `${t.name} (${t.partitions.length})`).join(', ')}`);
  console.log('');
  stopOnSignals(() => sandbox.stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

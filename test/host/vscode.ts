import * as path from 'path';
import { format } from 'util';
import { launchBrowser } from './browser';
import { startServer, workbenchUrl } from './codeServer';
import { ensureTools } from './tools';

/**
 * Runs the extension-host suite (test/suite) inside a real VS Code: code-server's VS Code 1.139 server,
 * its workbench rendered by headless chromium. Exits with the suite's exit code.
 * Environment: CKAFKA_TEST_LOCALE (e.g. zh-cn) sets the display language; CKAFKA_TEST_TIMEOUT_MS bounds the run.
 */
const root = path.resolve(__dirname, '..', '..', '..');
/** Workbench chatter that says nothing about the extension under test. */
const NOISE = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/;
const timeoutMs = Number(process.env.CKAFKA_TEST_TIMEOUT_MS ?? 20 * 60_000);

async function main(): Promise<number> {
  const tools = ensureTools();
  const server = await startServer(tools);
  const browser = await launchBrowser(tools, path.join(server.dataDir, 'chromium'), process.env.CKAFKA_TEST_LOCALE);
  try {
    const exit = new Promise<number>((resolve) => {
      void browser.page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      setTimeout(() => {
        console.error(`extension-host suite did not finish within ${timeoutMs} ms`);
        resolve(1);
      }, timeoutMs).unref();
    });
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...args);
      if (!NOISE.test(text)) {
        console.log(type === 'error' ? `[host:error] ${text}` : text);
      }
    });
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remote(root)],
      ['extensionTestsPath', server.remote(path.join(root, 'out', 'test', 'suite', 'index.js'))],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await browser.page.goto(workbenchUrl(server, path.join(root, 'test', 'fixtures', 'workspace'), payload));
    return await exit;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

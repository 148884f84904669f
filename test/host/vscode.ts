import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { launchBrowser, Page } from './browser';
import { ServerOptions, startServer, workbenchUrl } from './codeServer';
import { ensureTools } from './tools';
import { handleUiRequest, UI_ENV } from './ui';

/**
 * Runs the extension-host suite (test/suite) inside a real VS Code: code-server's VS Code 1.139 server,
 * its workbench rendered by headless chromium. Exits with the suite's exit code.
 * Environment: CKAFKA_TEST_LOCALE (e.g. zh-cn) sets the display language; CKAFKA_TEST_TIMEOUT_MS bounds the run;
 * CKAFKA_TEST_GREP runs only the tests whose titles match.
 */
const root = path.resolve(__dirname, '..', '..', '..');
/** Workbench chatter that says nothing about the extension under test. */
const NOISE = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/;

export interface HostRun {
  /** Compiled entry whose `run()` VS Code calls in the extension host. */
  testsPath: string;
  /** Folder VS Code opens. */
  folder: string;

  locale?: string;
  server?: ServerOptions;
  timeoutMs?: number;
  viewport?: { width: number; height: number };
  /** Every console line of the workbench and the extension host, with the page to act on it. */
  onLog?: (text: string, type: string, page: Page) => void;
}

/** Starts VS Code with this folder as the extension under development, runs `testsPath`, returns its exit code. */
export async function runInHost(run: HostRun): Promise<number> {
  const tools = ensureTools();
  const server = await startServer(tools, { ...run.server, locale: run.locale });
  const browser = await launchBrowser(tools, path.join(server.dataDir, 'chromium'), run.locale);
  const timeoutMs = run.timeoutMs ?? 20 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const exit = new Promise<number>((resolve) => {
      void browser.page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      timer = setTimeout(() => {
        console.error(`the extension-host run did not finish within ${timeoutMs} ms`);
        resolve(1);
      }, timeoutMs);
    });
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => run.onLog?.(format(...args), type, browser.page));
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remote(root)],
      ['extensionTestsPath', server.remote(run.testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    if (run.viewport) {
      await browser.page.setViewportSize(run.viewport);
    }
    await browser.page.goto(workbenchUrl(server, run.folder, payload));
    return await exit;
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) {
  // Tests ask for clicks and keys in the workbench through this folder (test/host/ui.ts).
  const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-ui-'));
  runInHost({
    testsPath: path.join(root, 'out', 'test', 'suite', 'index.js'),
    folder: path.join(root, 'test', 'fixtures', 'workspace'),
    locale: process.env.CKAFKA_TEST_LOCALE,
    timeoutMs: Number(process.env.CKAFKA_TEST_TIMEOUT_MS ?? 20 * 60_000),
    server: { env: { [UI_ENV]: uiDir } },
    onLog: (text, type, page) => {
      if (!NOISE.test(text) && !handleUiRequest(text, page, uiDir)) {
        console.log(type === 'error' ? `[host:error] ${text}` : text);
      }
    },
  }).then(
    (code) => {
      fs.rmSync(uiDir, { recursive: true, force: true });
      process.exit(code);
    },
    (error: unknown) => {
      console.error(error);
      fs.rmSync(uiDir, { recursive: true, force: true });
      process.exit(1);
    },
  );
}

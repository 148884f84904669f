import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from './browser';

/**
 * What a test inside VS Code may ask the browser to do, as a person at the keyboard and mouse would: the
 * suite prints `ckafka-ui:<json>` (test/suite/ui.ts), the host script does it on the workbench page and
 * writes `<id>.json` into the shared folder named by CKAFKA_UI_DIR. Modal dialogs are not among them: VS Code
 * shows none in an extension-test host (see answerModals in test/suite/ui.ts).
 */
export type UiAction =
  /** Clicks the quick-pick row whose text contains `pick`. */
  | { pick: string }
  /** Waits for the input box whose prompt contains `prompt`, types `type` and presses Enter. */
  | { type: string; prompt: string }
  /** Waits until the quick input's placeholder contains `placeholder`, then presses `press`. */
  | { press: string; placeholder: string }
  /** In the webview whose page has `data-panel=panel`, does one thing as a person would (see WebviewAction). */
  | ({ panel: string } & WebviewAction)
  /** Saves a picture of the whole workbench to `screenshot` (a path). */
  | { screenshot: string };

/** What a test does inside a webview: click, type into a field, choose an option, press a key, read text. */
export type WebviewAction =
  /** Clicks the element (the `nth` match, 0 by default), holding `modifiers`. */
  | { click: string; nth?: number; modifiers?: ('Shift' | 'Control' | 'Meta' | 'Alt')[] }
  /** Clicks into the field, selects what it holds and types `text` over it. */
  | { fill: string; text: string }
  /** Chooses the option with this value in a select element. */
  | { select: string; value: string }
  /** Focuses the element and presses `key`. */
  | { focus: string; key: string }
  /** Waits until the element exists and its text contains `contains` (any text if left out); answers with its text. */
  | { read: string; contains?: string; timeoutMs?: number }
  /** Answers with what the input field holds. */
  | { inputOf: string }
  /** Answers with how many elements match. */
  | { count: string };

export type UiRequest = UiAction & { id: string };

export interface UiAnswer {
  error?: string;
  /** The text a `read` found. */
  text?: string;
}

export const UI_ENV = 'CKAFKA_UI_DIR';
const PREFIX = 'ckafka-ui:';
const WAIT_MS = 20_000;

const QUICK_INPUT = '.quick-input-widget';

/** The frame of the webview whose page carries `data-panel=panel`, once it is there. */
async function webviewFrame(page: Page, panel: string): Promise<Frame> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      // Runs in the page, where `document` exists; this file is compiled without the DOM's types.
      const id = await frame.evaluate(() => (globalThis as unknown as { document: { body?: { dataset: Record<string, string> } } }).document.body?.dataset.panel).catch(() => undefined);
      if (id === panel) {
        return frame;
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview with data-panel=${panel}`);
}

async function performInWebview(page: Page, action: { panel: string } & WebviewAction): Promise<UiAnswer> {
  const frame = await webviewFrame(page, action.panel);
  if ('click' in action) {
    const target = frame.locator(action.click).nth(action.nth ?? 0);
    await target.waitFor({ state: 'visible', timeout: WAIT_MS });
    await target.click({ modifiers: action.modifiers });
    return {};
  }
  if ('fill' in action) {
    const field = frame.locator(action.fill).first();
    await field.waitFor({ state: 'visible', timeout: WAIT_MS });
    // Typed as a person types; a key lost while focus moves into the webview's frames is typed again.
    for (let attempt = 0; attempt < 3; attempt++) {
      await field.click();
      await field.press('Control+A');
      await field.press('Delete');
      await page.keyboard.type(action.text);
      if ((await field.inputValue()) === action.text) {
        return {};
      }
    }
    throw new Error(`${action.fill} holds ${JSON.stringify(await field.inputValue())} after typing ${JSON.stringify(action.text)}`);
  }
  if ('select' in action) {
    const select = frame.locator(action.select).first();
    await select.waitFor({ state: 'visible', timeout: WAIT_MS });
    await select.selectOption(action.value);
    return {};
  }
  if ('focus' in action) {
    const target = frame.locator(action.focus).first();
    await target.waitFor({ state: 'visible', timeout: WAIT_MS });
    await target.focus();
    await target.press(action.key);
    return {};
  }
  if ('count' in action) {
    return { text: String(await frame.locator(action.count).count()) };
  }
  if ('inputOf' in action) {
    return { text: await frame.locator(action.inputOf).first().inputValue() };
  }
  const deadline = Date.now() + (action.timeoutMs ?? WAIT_MS);
  let last: string | null = null;
  while (Date.now() < deadline) {
    const found = frame.locator(action.read).first();
    last = await found.textContent().catch(() => null);
    if (last !== null && (action.contains === undefined || last.includes(action.contains))) {
      return { text: last };
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`${action.read} did not show ${JSON.stringify(action.contains ?? '')}; it showed ${JSON.stringify(last)}`);
}

async function perform(page: Page, action: UiAction): Promise<UiAnswer> {
  if ('panel' in action) {
    return performInWebview(page, action);
  }
  if ('screenshot' in action) {
    await page.screenshot({ path: action.screenshot });
    return {};
  }
  if ('pick' in action) {
    const row = page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: action.pick }).first();
    await row.waitFor({ state: 'visible', timeout: WAIT_MS });
    await row.click();
    return {};
  }
  if ('type' in action) {
    await page.locator(QUICK_INPUT, { hasText: action.prompt }).first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.keyboard.type(action.type);
    // Validation runs as the user types; give it a moment, as a person would before pressing Enter.
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    return {};
  }
  await page.locator(`${QUICK_INPUT} input[placeholder*=${JSON.stringify(action.placeholder)}]`).first().waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.keyboard.press(action.press);
  return {};
}

/**
 * Handles one console line of the extension host: when it is a UI request, performs it and writes the
 * answer. Returns whether the line was a request.
 */
export function handleUiRequest(line: string, page: Page, dir: string): boolean {
  if (!line.startsWith(PREFIX)) {
    return false;
  }
  const request = JSON.parse(line.slice(PREFIX.length)) as UiRequest;
  const answer = (result: UiAnswer) => {
    // Written whole, then renamed, so the test never reads half an answer.
    const file = path.join(dir, `${request.id}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
    fs.renameSync(`${file}.tmp`, file);
  };
  perform(page, request).then(answer, (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }));
  return true;
}

export { PREFIX as UI_PREFIX };

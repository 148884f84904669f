import * as fs from 'fs';
import * as path from 'path';
import type { Page } from './browser';

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
  | { press: string; placeholder: string };

export type UiRequest = UiAction & { id: string };

export interface UiAnswer {
  error?: string;
}

export const UI_ENV = 'CKAFKA_UI_DIR';
const PREFIX = 'ckafka-ui:';
const WAIT_MS = 20_000;

const QUICK_INPUT = '.quick-input-widget';

async function perform(page: Page, action: UiAction): Promise<UiAnswer> {
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

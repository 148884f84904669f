import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { UiAction, UiAnswer } from '../host/ui';
import { waitFor } from './helpers';

/**
 * Clicks and keys in the real workbench, done by the script that runs VS Code in chromium (test/host/ui.ts).
 * Only the offline host offers it; under @vscode/test-electron `uiAvailable()` is false.
 */
const dir = process.env.CKAFKA_UI_DIR;
let next = 0;

export function uiAvailable(): boolean {
  return dir !== undefined && fs.existsSync(dir);
}

/** Asks the browser to do `action` and waits until it is done; fails with what went wrong there. */
export async function ui(action: UiAction, timeoutMs = 30_000): Promise<UiAnswer> {
  if (!dir) {
    throw new Error('no browser to drive: the suite runs outside the offline VS Code host');
  }
  const id = `ui-${process.pid}-${next++}`;
  console.log(`ckafka-ui:${JSON.stringify({ ...action, id })}`);
  const file = path.join(dir, `${id}.json`);
  await waitFor(`the browser to ${JSON.stringify(action)}`, () => (fs.existsSync(file) ? true : undefined), timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as UiAnswer;
  if (answer.error) {
    throw new Error(`the browser could not ${JSON.stringify(action)}: ${answer.error}`);
  }
  return answer;
}

/** A modal question the extension asked, as the user would have read it. */
export interface ModalQuestion {
  message: string;
  detail?: string;
  buttons: string[];
}

/**
 * VS Code shows no modal dialog in an extension-test host (its DialogService skips them), so a test
 * answers modals itself: until `restore()`, every modal warning is recorded and answered with `button`
 * (undefined: dismissed, as Cancel or Escape would). `onAsk` runs while the question is open. Non-modal
 * messages pass through.
 */
export function answerModals(button: string | undefined, onAsk?: (question: ModalQuestion) => void): { asked: ModalQuestion[]; restore(): void } {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  const asked: ModalQuestion[] = [];
  window.showWarningMessage = (message: unknown, ...rest: unknown[]) => {
    const options = rest[0] as vscode.MessageOptions | undefined;
    if (typeof options !== 'object' || options === null || !('modal' in options) || !options.modal) {
      return original.call(vscode.window, message, ...rest);
    }
    const items = rest.slice(1) as (string | vscode.MessageItem)[];
    const title = (i: string | vscode.MessageItem) => (typeof i === 'string' ? i : i.title);
    const question = { message: String(message), detail: options.detail, buttons: items.map(title) };
    asked.push(question);
    onAsk?.(question);
    return Promise.resolve(items.find((i) => title(i) === button));
  };
  return { asked, restore: () => (window.showWarningMessage = original) };
}

import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'ckafka-vscode.ckafka-vscode';

/** The password of the SASL_PLAINTEXT warning test's clusters; the secret scan looks for it too. */
export const PLAINTEXT_TEST_PASSWORD = 'plaintext-warning-secret';

/** Activates the extension under test and returns its API. */
export async function activate(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`${EXTENSION_ID} is not installed in this host`);
  }
  return extension.activate();
}

let untitled = 0;

/**
 * A new untitled plain-text document holding `content`, under a name of its own. A nameless one gets the first
 * free `Untitled-N`, and one opened just after another of that name was closed can reach this host still
 * holding the closed one's text (seen in code-server: a produce test sent the previous test's line).
 */
export async function untitledDocument(content: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `ckafka-test-${process.pid}-${untitled++}.txt` });
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), content);
  if (!(await vscode.workspace.applyEdit(edit)) || document.getText() !== content) {
    throw new Error(`the untitled document ${uri.toString()} does not hold its content`);
  }
  return document;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

type MessageKind = 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage';

/** One call of a stubbed `vscode.window` message function. */
export interface ShownMessage {
  message: string;
  /** The options object when one was passed (e.g. `{ modal: true, detail }`). */
  options?: vscode.MessageOptions;
  items: string[];
}

/**
 * Replaces a `vscode.window` message function until `restore()`: every call is recorded and answered with
 * `answer(call)` (by default: dismissed). The test files live inside the extension's folder, so VS Code
 * hands them the extension's own `vscode` API object, and the extension's calls land here.
 */
export function stubMessages(kind: MessageKind, answer: (call: ShownMessage) => string | undefined = () => undefined): { calls: ShownMessage[]; restore: () => void } {
  const window = vscode.window as unknown as Record<MessageKind, unknown>;
  const original = window[kind];
  const calls: ShownMessage[] = [];
  window[kind] = (message: string, ...rest: unknown[]) => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as vscode.MessageOptions) : undefined;
    const items = rest.map((i) => (typeof i === 'string' ? i : String((i as { title?: unknown }).title)));
    const call = { message, ...(options ? { options } : {}), items };
    calls.push(call);
    return Promise.resolve(answer(call));
  };
  return {
    calls,
    restore: () => {
      window[kind] = original;
    },
  };
}

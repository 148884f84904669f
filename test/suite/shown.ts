import * as vscode from 'vscode';

/**
 * What the user was shown, as the tests see it: the suite wraps `vscode.window`'s message and prompt
 * functions once, before any test runs. The test files live inside the extension's folder, so VS Code gives
 * them the extension's own API object, and the wrappers see every call the extension makes. The calls go
 * through to VS Code unchanged.
 */
export const screen = {
  /** Notification and status-bar texts, oldest first. */
  messages: [] as string[],
  /** Placeholders, titles and prompts of quick picks and input boxes, oldest first. */
  prompts: [] as string[],
};

type Fn = (...args: never[]) => unknown;

function wrap<K extends keyof typeof vscode.window>(name: K, record: (...args: unknown[]) => void): void {
  const window = vscode.window as unknown as Record<string, Fn>;
  const original = window[name];
  window[name] = ((...args: never[]) => {
    record(...args);
    return original.apply(vscode.window, args);
  }) as Fn;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? [value] : []);

export function watchShown(): void {
  for (const name of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage', 'setStatusBarMessage'] as const) {
    wrap(name, (message) => screen.messages.push(String(message).replace(/^\$\(check\) /, '')));
  }
  wrap('showQuickPick', (_items, options) => screen.prompts.push(...text((options as vscode.QuickPickOptions | undefined)?.placeHolder)));
  wrap('showInputBox', (options) => screen.prompts.push(...text((options as vscode.InputBoxOptions | undefined)?.title), ...text((options as vscode.InputBoxOptions | undefined)?.prompt)));
  const window = vscode.window as unknown as Record<string, Fn>;
  for (const name of ['createQuickPick', 'createInputBox'] as const) {
    const create = window[name];
    window[name] = (() => {
      const input = create.apply(vscode.window, []) as vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox;
      const show = input.show.bind(input);
      input.show = () => {
        screen.prompts.push(...text(input.placeholder), ...text(input.title), ...text('prompt' in input ? input.prompt : undefined));
        show();
      };
      return input;
    }) as Fn;
  }
}

import * as vscode from 'vscode';

/** What the extension hands to tests and to other extensions through `activate()`'s return value. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
}

/** A command is a small factory: given the context, it returns the handler VS Code calls. */
export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** The extension's one piece of shared state, created in `activate()` and disposed with it. */
export class Ctx {
  readonly log: vscode.LogOutputChannel;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('CKafka', { log: true }));
  }

  /** Registers `factory(this)` as the handler of `command`. */
  registerCommand(command: string, factory: CommandFactory): void {
    this.own(vscode.commands.registerCommand(command, factory(this)));
  }

  /** Ties a disposable to the extension's lifetime. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.extension.subscriptions.push(disposable);
    return disposable;
  }

  api(): ExtensionApi {
    return { log: this.log };
  }
}

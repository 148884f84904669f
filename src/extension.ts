import * as vscode from 'vscode';
import { Ctx, ExtensionApi } from './ctx';
import * as commands from './commands';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const ctx = new Ctx(context);
  ctx.registerCommand('ckafka.showOutput', commands.showOutput);
  return ctx.api();
}

export function deactivate(): void {
  // Everything the extension owns is a disposable on context.subscriptions.
}

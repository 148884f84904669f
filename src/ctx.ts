import * as vscode from 'vscode';
import { Connections } from './clusters/connections';
import { ClusterStore } from './clusters/store';
import { warnPlaintextPassword } from './clusters/plaintextWarning';
import { askPassword } from './clusters/prompts';
import type { ExplorerNode, ExplorerProvider } from './views/explorer';
import { Consumers } from './consumers/registry';

/** What the extension hands to tests and to other extensions through `activate()`'s return value. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  readonly clusters: ClusterStore;
  readonly connections: Connections;
  /** The last messages shown to the user (errors, warnings, information), newest last; for tests. */
  readonly messages: readonly string[];
  /** Placeholders of the questions asked through QuickPicks, newest last; tests wait for them before answering. */
  readonly prompts: readonly string[];
  /** Where VS Code keeps this extension's global state and logs; tests scan them for secrets. */
  readonly globalStorageUri: vscode.Uri;
  /** The workspace storage of this extension; undefined without a workspace. */
  readonly storageUri: vscode.Uri | undefined;
  readonly logUri: vscode.Uri;
  /** The `ckafka.explorer` tree's provider, and its view (to reveal nodes). */
  readonly explorer?: ExplorerProvider;
  readonly explorerView?: vscode.TreeView<ExplorerNode>;
  /** The running consumers, with their channel lines and the status bar's text. */
  readonly consumers: Consumers;
}

/** A command is a small factory: given the context, it returns the handler VS Code calls. */
export type CommandFactory = (ctx: Ctx) => (...args: never[]) => unknown;

/** The extension's one piece of shared state, created in `activate()` and disposed with it. */
export class Ctx {
  readonly log: vscode.LogOutputChannel;
  readonly clusters: ClusterStore;
  readonly connections: Connections;
  readonly consumers: Consumers;
  private readonly messages: string[] = [];
  private readonly prompts: string[] = [];
  /** Set by registerExplorer; commands refresh the tree through it. */
  explorer?: ExplorerProvider;
  explorerView?: vscode.TreeView<ExplorerNode>;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('CKafka', { log: true }));
    this.clusters = this.own(new ClusterStore(extension.secrets));
    this.connections = this.own(new Connections(this.clusters, askPassword, (cluster) => void warnPlaintextPassword(this, cluster)));
    this.consumers = this.own(new Consumers(this));
  }

  /** Registers `factory(this)` as the handler of `command`; failures are reported, never thrown at VS Code. */
  registerCommand(command: string, factory: CommandFactory): void {
    const handler = factory(this) as (...args: unknown[]) => unknown;
    this.own(
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          if (error instanceof vscode.CancellationError) {
            return undefined;
          }
          const message = error instanceof Error ? error.message : String(error);
          this.log.error(`${command} failed: ${message}`);
          void this.showError(message);
          return undefined;
        }
      }),
    );
  }

  /** Shows an error notification, and keeps it for tests. */
  showError(message: string, ...items: string[]): Thenable<string | undefined> {
    this.remember(message);
    return vscode.window.showErrorMessage(message, ...items);
  }

  showWarning(message: string, ...items: string[]): Thenable<string | undefined> {
    this.remember(message);
    return vscode.window.showWarningMessage(message, ...items);
  }

  showInfo(message: string, ...items: string[]): Thenable<string | undefined> {
    this.remember(message);
    return vscode.window.showInformationMessage(message, ...items);
  }

  /**
   * A short confirmation in the status bar, kept for tests like the notifications. It hides itself after
   * 10 s, so it is not tied to the extension's lifetime (that kept one disposable per message forever).
   */
  showStatus(message: string): void {
    this.remember(message);
    vscode.window.setStatusBarMessage(`$(check) ${message}`, 10_000);
  }

  /** Notes that a QuickPick with this placeholder is about to be shown. */
  prompted(placeholder: string): void {
    this.prompts.push(placeholder);
    this.prompts.splice(0, this.prompts.length - 20);
  }

  private remember(message: string): void {
    this.messages.push(message);
    if (this.messages.length > 100) {
      this.messages.shift();
    }
  }

  /** Ties a disposable to the extension's lifetime. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.extension.subscriptions.push(disposable);
    return disposable;
  }

  api(): ExtensionApi {
    return {
      log: this.log,
      clusters: this.clusters,
      connections: this.connections,
      messages: this.messages,
      prompts: this.prompts,
      globalStorageUri: this.extension.globalStorageUri,
      storageUri: this.extension.storageUri,
      logUri: this.extension.logUri,
      explorer: this.explorer,
      explorerView: this.explorerView,
      consumers: this.consumers,
    };
  }
}

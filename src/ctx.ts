import * as vscode from 'vscode';
import { ClusterSessions } from './clusters/sessions';
import { ClusterStore } from './clusters/store';
import { warnPlaintextPassword } from './clusters/plaintextWarning';
import { askPassword } from './clusters/prompts';
import type { ExplorerNode, ExplorerProvider } from './views/explorer';
import { Consumers } from './consumers/registry';
import { ReadOnlyDocuments } from './views/documents';

/**
 * What `activate()` returns in VS Code's test mode only (an extension under test), for the extension-host
 * suite. Any other extension gets `undefined` from this extension's exports: no store, no client, no secret.
 */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  readonly clusters: ClusterStore;
  readonly sessions: ClusterSessions;
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
  readonly sessions: ClusterSessions;
  readonly consumers: Consumers;
  /** Read-only documents the commands show, such as a reset's dry run. */
  readonly documents: ReadOnlyDocuments;
  /** Set by registerExplorer; commands refresh the tree through it. */
  explorer?: ExplorerProvider;
  explorerView?: vscode.TreeView<ExplorerNode>;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('CKafka', { log: true }));
    this.clusters = this.own(new ClusterStore(extension.secrets));
    this.sessions = this.own(new ClusterSessions(this.clusters, askPassword, (cluster) => void warnPlaintextPassword(this, cluster)));
    this.consumers = this.own(new Consumers(this));
    this.documents = this.own(new ReadOnlyDocuments());
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

  showError(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showErrorMessage(message, ...items);
  }

  showWarning(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showWarningMessage(message, ...items);
  }

  showInfo(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showInformationMessage(message, ...items);
  }

  /** A short confirmation in the status bar; it disposes itself after 10 s. */
  showStatus(message: string): void {
    vscode.window.setStatusBarMessage(`$(check) ${message}`, 10_000);
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
      sessions: this.sessions,
      globalStorageUri: this.extension.globalStorageUri,
      storageUri: this.extension.storageUri,
      logUri: this.extension.logUri,
      explorer: this.explorer,
      explorerView: this.explorerView,
      consumers: this.consumers,
    };
  }
}

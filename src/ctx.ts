import * as vscode from 'vscode';
import { ClusterSessions } from './clusters/sessions';
import { ClusterStore } from './clusters/store';
import { warnPlaintextPassword } from './clusters/plaintextWarning';
import { askPassword } from './clusters/prompts';
import { Consumers } from './consumers/registry';
import { ReadOnlyDocuments } from './views/documents';

/** What a command changed: a cluster's topics or groups, or a reload the user asked for (of a tree node, or all). */
export interface TopologyChange {
  clusterId?: string;
  what?: 'topics' | 'groups';
  /** A tree node the user asked to reload. */
  node?: unknown;
  /** Listeners hand over the work the change started; `topologyChanged` resolves when it is done. */
  waitUntil(work: Promise<unknown>): void;
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
  private readonly topologyEmitter: vscode.EventEmitter<TopologyChange>;
  /** Fires when a command changed what a cluster holds (a topic created, a group deleted…); views reload it. */
  readonly onDidChangeTopology: vscode.Event<TopologyChange>;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('CKafka', { log: true }));
    this.clusters = this.own(new ClusterStore(extension.secrets));
    this.sessions = this.own(new ClusterSessions(this.clusters, askPassword, (cluster) => void warnPlaintextPassword({ state: extension.globalState, log: this.log, clusters: this.clusters }, cluster)));
    this.consumers = this.own(new Consumers(this));
    this.documents = this.own(new ReadOnlyDocuments());
    this.topologyEmitter = this.own(new vscode.EventEmitter<TopologyChange>());
    this.onDidChangeTopology = this.topologyEmitter.event;
  }

  /**
   * Registers the handler `factory(this)` makes, on the command's first use (activation compiles none of
   * them), for `command`; failures are reported, never thrown at VS Code.
   */
  registerCommand(command: string, factory: CommandFactory): void {
    let handler: ((...args: unknown[]) => unknown) | undefined;
    this.own(
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        try {
          handler ??= factory(this) as (...args: unknown[]) => unknown;
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

  /** A short confirmation in the status bar. It hides itself after 10 s, so it is not tied to the extension's lifetime. */
  showStatus(message: string): void {
    vscode.window.setStatusBarMessage(`$(check) ${message}`, 10_000);
  }

  /**
   * Announces that a command changed a cluster's topics or groups (or, without `what`, asked for a reload of
   * `node` or of everything), and resolves once the views have reloaded.
   */
  async topologyChanged(change: Omit<TopologyChange, 'waitUntil'>): Promise<void> {
    const waits: Promise<unknown>[] = [];
    this.topologyEmitter.fire({ ...change, waitUntil: (p) => waits.push(p) });
    await Promise.all(waits);
  }

  /** Ties a disposable to the extension's lifetime. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.extension.subscriptions.push(disposable);
    return disposable;
  }

}

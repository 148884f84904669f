import * as vscode from 'vscode';
import * as commands from './commands';
import type { ClusterSessions } from './clusters/sessions';
import type { ClusterStore } from './clusters/store';
import type { Consumers } from './consumers/registry';
import { Ctx } from './ctx';
import { reportClusterProblems } from './clusters/problems';
import { adoptSandboxPassword } from './clusters/sandbox';
import { ExplorerNode, ExplorerProvider, registerExplorer } from './views/explorer';

let ctx: Ctx | undefined;

/**
 * What `activate()` returns in VS Code's test mode only (an extension under test), for the extension-host
 * suite. Any other extension gets `undefined` from this extension's exports: no store, no client, no secret.
 */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  readonly clusters: ClusterStore;
  readonly sessions: ClusterSessions;
  readonly consumers: Consumers;
  readonly explorer: ExplorerProvider;
  readonly explorerView: vscode.TreeView<ExplorerNode>;
  /** Where VS Code keeps this extension's state and logs; tests scan them for secrets. */
  readonly globalStorageUri: vscode.Uri;
  readonly storageUri: vscode.Uri | undefined;
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  ctx = new Ctx(context);
  adoptSandboxPassword(ctx.clusters);
  ctx.own(reportClusterProblems(ctx.clusters, ctx.log));
  const explorer = registerExplorer(ctx);
  ctx.own(explorer.provider);
  ctx.own(explorer.view);

  ctx.registerCommand('ckafka.showOutput', commands.showOutput);
  ctx.registerCommand('ckafka.addCluster', commands.addCluster);
  ctx.registerCommand('ckafka.editCluster', commands.editCluster);
  ctx.registerCommand('ckafka.renameCluster', commands.renameCluster);
  ctx.registerCommand('ckafka.changePassword', commands.changePassword);
  ctx.registerCommand('ckafka.removeCluster', commands.removeCluster);
  ctx.registerCommand('ckafka.testConnection', commands.testConnection);
  ctx.registerCommand('ckafka.refresh', commands.refresh);
  ctx.registerCommand('ckafka.copyName', commands.copyName);
  ctx.registerCommand('ckafka.createTopic', commands.createTopic);
  ctx.registerCommand('ckafka.deleteTopic', commands.deleteTopic);
  ctx.registerCommand('ckafka.deleteGroup', commands.deleteGroup);
  ctx.registerCommand('ckafka.resetGroupOffsets', commands.resetOffsets);
  ctx.registerCommand('ckafka.copyGroupOffsets', commands.copyGroupOffsets);
  ctx.registerCommand('ckafka.produceSelection', commands.produceSelection);
  ctx.registerCommand('ckafka.produceSelectionAsLines', commands.produceSelectionAsLines);
  ctx.registerCommand('ckafka.startConsumer', commands.startConsumer);
  ctx.registerCommand('ckafka.stopConsumer', commands.stopConsumer);
  ctx.registerCommand('ckafka.stopAllConsumers', commands.stopAllConsumers);
  ctx.registerCommand('ckafka.showConsumer', commands.showConsumer);
  ctx.registerCommand('ckafka.queryMessages', commands.queryMessages);
  ctx.own(vscode.window.registerUriHandler(commands.queryLinkHandler(ctx)));
  // Other extensions see nothing of this one: the API exists for this extension's own tests only.
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return undefined;
  }
  const { log, clusters, sessions, consumers } = ctx;
  const { globalStorageUri, storageUri, logUri } = context;
  return { log, clusters, sessions, consumers, explorer: explorer.provider, explorerView: explorer.view, globalStorageUri, storageUri, logUri };
}

/** Stops every consumer (leaving its group) and disconnects every cluster before VS Code disposes the rest. */
export async function deactivate(): Promise<void> {
  await ctx?.consumers.stopAll();
  await ctx?.sessions.disconnectAll();
  ctx = undefined;
}

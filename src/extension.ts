import * as vscode from 'vscode';
import * as commands from './commands';
import { Ctx, ExtensionApi } from './ctx';
import { reportClusterProblems } from './clusters/problems';
import { adoptSandboxPassword } from './clusters/sandbox';
import { registerExplorer } from './views/explorer';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  ctx = new Ctx(context);
  adoptSandboxPassword(ctx.clusters);
  ctx.own(reportClusterProblems(ctx.clusters, ctx.log));
  registerExplorer(ctx);

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
  // Other extensions see nothing of this one: the API exists for this extension's own tests only.
  return context.extensionMode === vscode.ExtensionMode.Test ? ctx.api() : undefined;
}

/** Stops every consumer (leaving its group) and disconnects every cluster before VS Code disposes the rest. */
export async function deactivate(): Promise<void> {
  await ctx?.consumers.stopAll();
  await ctx?.sessions.disconnectAll();
  ctx = undefined;
}

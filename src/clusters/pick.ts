import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ClusterSettings } from '../kafka/cluster';

/** What a cluster command may be called with: a tree node, a cluster id (tests, keybindings), or nothing. */
export type ClusterArg = { cluster: ClusterSettings } | { clusterId: string } | string | undefined;

/** Resolves the command's argument to a cluster, asking with a QuickPick when none was given. */
export async function resolveCluster(ctx: Ctx, arg: ClusterArg): Promise<ClusterSettings | undefined> {
  const id = typeof arg === 'string' ? arg : arg && 'clusterId' in arg ? arg.clusterId : arg?.cluster.id;
  if (id !== undefined) {
    const found = ctx.clusters.get(id);
    if (!found) {
      throw new Error(vscode.l10n.t('No cluster with id {0}.', id));
    }
    return found;
  }
  const clusters = ctx.clusters.list();
  if (clusters.length === 0) {
    const add = vscode.l10n.t('Add Cluster');
    if ((await ctx.showInfo(vscode.l10n.t('No CKafka cluster yet.'), add)) === add) {
      await vscode.commands.executeCommand('ckafka.addCluster');
    }
    return undefined;
  }
  if (clusters.length === 1) {
    return clusters[0];
  }
  const picked = await vscode.window.showQuickPick(
    clusters.map((c) => ({ label: c.name, description: c.bootstrapServers, cluster: c })),
    { placeHolder: vscode.l10n.t('Choose a cluster') },
  );
  return picked?.cluster;
}

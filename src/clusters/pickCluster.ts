import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ClusterSettings } from '../kafka/cluster';
import { clusterProblemText } from './validation';

/**
 * The explorer node a command was invoked on, seen by its shape: clusters/ does not depend on views/, and
 * every node carries its kind, its cluster and, for topics and groups, its name.
 */
export interface NodeArg {
  kind: string;
  cluster: ClusterSettings;
  name?: string;
  groupId?: string;
}

export function nodeArg(arg: unknown): NodeArg | undefined {
  const n = arg as Partial<NodeArg> | null;
  return typeof n === 'object' && n !== null && typeof n.kind === 'string' && typeof n.cluster === 'object' && n.cluster !== null ? (n as NodeArg) : undefined;
}

/** What a cluster command may be called with: a tree node, a cluster id (tests, keybindings), or nothing. */
export type ClusterArg = { cluster: ClusterSettings } | { clusterId: string } | string | undefined;

/**
 * Resolves the command's argument to a cluster, asking with a QuickPick when none was given; `lastId`,
 * the cluster used last for this purpose, is offered first.
 */
export async function resolveCluster(ctx: Ctx, arg: ClusterArg, lastId?: string): Promise<ClusterSettings | undefined> {
  const id = typeof arg === 'string' ? arg : arg && 'clusterId' in arg ? arg.clusterId : arg?.cluster.id;
  if (id !== undefined) {
    const found = ctx.clusters.get(id);
    if (!found) {
      const unusable = ctx.clusters.entries().find((e) => e.problem && e.id === id);
      throw new Error(unusable?.problem ? clusterProblemText({ ...unusable, problem: unusable.problem }) : vscode.l10n.t('No cluster with id {0}.', id));
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
  const ordered = [...clusters].sort((a, b) => Number(b.id === lastId) - Number(a.id === lastId));
  const picked = await vscode.window.showQuickPick(
    ordered.map((c) => ({ label: c.name, description: c.bootstrapServers, detail: c.id === lastId ? vscode.l10n.t('last used') : undefined, cluster: c })),
    { placeHolder: vscode.l10n.t('Choose a cluster'), ignoreFocusOut: true },
  );
  return picked?.cluster;
}

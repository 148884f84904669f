import * as vscode from 'vscode';
import { ClusterArg, resolveCluster } from '../clusters/pickCluster';
import type { Ctx } from '../ctx';

/** `CKafka: Remove Cluster`: removes it from settings and deletes its password. `confirm: true` skips the question. */
export const removeCluster = (ctx: Ctx) => async (arg?: ClusterArg, options?: { confirm?: boolean }) => {
  const cluster = await resolveCluster(ctx, arg);
  if (!cluster) {
    return;
  }
  if (!options?.confirm) {
    const remove = vscode.l10n.t('Remove');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Remove the cluster {0} and its stored password?', cluster.name), { modal: true }, remove);
    if (answer !== remove) {
      return;
    }
  }
  // The store's change closes the cluster's session and stops its consumers, saying why in their channels.
  await ctx.clusters.remove(cluster.id);
  ctx.log.info(`removed cluster "${cluster.name}"`);
};

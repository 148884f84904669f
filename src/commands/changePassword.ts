import * as vscode from 'vscode';
import { ClusterArg, resolveCluster } from '../clusters/pickCluster';
import { askPassword } from '../clusters/prompts';
import type { Ctx } from '../ctx';
import { usesSasl } from '../kafka/cluster';

/** `CKafka: Change Password`: stores a new password in SecretStorage and reconnects on next use. */
export const changePassword = (ctx: Ctx) => async (arg?: ClusterArg, password?: string) => {
  const cluster = await resolveCluster(ctx, arg);
  if (!cluster) {
    return;
  }
  if (!usesSasl(cluster)) {
    void ctx.showInfo(vscode.l10n.t('{0} uses PLAINTEXT and has no password.', cluster.name));
    return;
  }
  const typed = password ?? (await askPassword(cluster));
  if (!typed) {
    return;
  }
  // The store's change restarts the cluster's session and its consumers with the new password.
  await ctx.clusters.setPassword(cluster.id, typed);
  ctx.log.info(`password changed for cluster "${cluster.name}"`);
};

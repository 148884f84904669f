import * as vscode from 'vscode';
import { ClusterArg, resolveCluster } from '../clusters/pickCluster';
import type { Ctx } from '../ctx';
import { usesSasl } from '../kafka/cluster';
import { answersOf, askClusterAnswers, ClusterAnswers, toSettings } from '../clusters/wizard';

/** `CKafka: Edit Cluster`: the Add Cluster steps, pre-filled; the password is kept unless the user changes it. */
export const editCluster = (ctx: Ctx) => async (arg?: ClusterArg, given?: Partial<ClusterAnswers>) => {
  const cluster = await resolveCluster(ctx, arg);
  if (!cluster) {
    return;
  }
  const taken = ctx.clusters.list().filter((c) => c.id !== cluster.id).map((c) => c.name);
  const answers = given ? ({ ...answersOf(cluster), ...given } as ClusterAnswers) : await askClusterAnswers(vscode.l10n.t('Edit {0}', cluster.name), answersOf(cluster), taken, false);
  if (!answers) {
    return;
  }
  const updated = toSettings(cluster.id, answers);
  // One change: the session and the consumers restart once, with the new settings and password together.
  await ctx.clusters.update(updated, answers.password && usesSasl(updated) ? answers.password : undefined);
  ctx.log.info(`edited cluster "${updated.name}"`);
};

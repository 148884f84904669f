import * as vscode from 'vscode';
import { ClusterArg, resolveCluster } from '../clusters/pickCluster';
import { validateName } from '../clusters/validation';
import type { Ctx } from '../ctx';

/** `CKafka: Rename Cluster`. */
export const renameCluster = (ctx: Ctx) => async (arg?: ClusterArg, newName?: string) => {
  const cluster = await resolveCluster(ctx, arg);
  if (!cluster) {
    return;
  }
  const taken = ctx.clusters.list().filter((c) => c.id !== cluster.id).map((c) => c.name);
  const name = newName ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Rename {0}', cluster.name), value: cluster.name, validateInput: (v) => validateName(v, taken) }));
  if (name === undefined) {
    return;
  }
  const problem = validateName(name, taken);
  if (problem) {
    throw new Error(problem);
  }
  await ctx.clusters.update({ ...cluster, name: name.trim() });
};

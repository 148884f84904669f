import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { runConnectionTest } from '../clusters/connectionTest';
import { askClusterAnswers, ClusterAnswers, toSettings, validateAnswers } from '../clusters/wizard';
import type { Ctx } from '../ctx';
import { usesSasl } from '../kafka/cluster';

/** `CKafka: Add Cluster`: the guided flow, then save and Test Connection. Resolves with the new cluster's id. */
export const addCluster = (ctx: Ctx) => async (given?: ClusterAnswers) => {
  const taken = ctx.clusters.list().map((c) => c.name);
  const answers = given ?? (await askClusterAnswers(vscode.l10n.t('Add CKafka Cluster'), {}, taken, true));
  if (!answers) {
    return undefined;
  }
  validateAnswers(answers, taken);
  const cluster = toSettings(randomUUID(), answers);
  await ctx.clusters.add(cluster, usesSasl(cluster) ? answers.password : undefined);
  ctx.log.info(`added cluster "${cluster.name}" (${cluster.bootstrapServers}, ${cluster.securityProtocol}${cluster.username ? `, user ${cluster.username}` : ''})`);
  if (answers.testConnection !== false) {
    await runConnectionTest(ctx, cluster);
  }
  return cluster.id;
};


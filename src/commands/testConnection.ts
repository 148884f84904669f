import { runConnectionTest } from '../clusters/connectionTest';
import { ClusterArg, resolveCluster } from '../clusters/pickCluster';
import type { Ctx } from '../ctx';

/** `CKafka: Test Connection`. Resolves with the result, for tests and callers. */
export const testConnection = (ctx: Ctx) => async (arg?: ClusterArg) => {
  const cluster = await resolveCluster(ctx, arg);
  return cluster ? runConnectionTest(ctx, cluster) : undefined;
};

import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ClusterSettings, clearTextPasswordHosts } from '../kafka/cluster';

/** globalState key: ids of the clusters already warned about, so each is warned once. */
export const PLAINTEXT_WARNED_KEY = 'ckafka.plaintextPasswordWarned';

/**
 * Before a SASL_PLAINTEXT cluster first connects to a host that is not this machine, warns once per
 * cluster (remembered in globalState) that the password crosses the network unencrypted, and offers to
 * switch the cluster to SASL_SSL or to edit it. Resolves with the button chosen, if any; never blocks the
 * connection it was called for.
 */
export async function warnPlaintextPassword(ctx: Ctx, cluster: ClusterSettings): Promise<'switch' | 'edit' | undefined> {
  const hosts = clearTextPasswordHosts(cluster);
  const state = ctx.extension.globalState;
  const warned = state.get<string[]>(PLAINTEXT_WARNED_KEY, []);
  if (hosts.length === 0 || warned.includes(cluster.id)) {
    return undefined;
  }
  // Memento.update changes the value at once and writes it later: a second connection right after sees it.
  const saved = state.update(PLAINTEXT_WARNED_KEY, [...warned, cluster.id]);
  ctx.log.warn(`cluster "${cluster.name}": SASL_PLAINTEXT to ${hosts.join(', ')} sends the password unencrypted`);
  const switchItem = vscode.l10n.t('Switch to SASL_SSL');
  const editItem = vscode.l10n.t('Edit Cluster');
  const shown = ctx.showWarning(
    vscode.l10n.t('{0} uses SASL_PLAINTEXT: its password crosses the network to {1} unencrypted. Use SASL_SSL unless this network is trusted.', cluster.name, hosts.join(', ')),
    switchItem,
    editItem,
  );
  await saved;
  const choice = await shown;
  if (choice === switchItem) {
    const current = ctx.clusters.get(cluster.id);
    if (current) {
      await ctx.clusters.update({ ...current, securityProtocol: 'SASL_SSL' });
      ctx.log.info(`cluster "${current.name}": switched to SASL_SSL`);
    }
    return 'switch';
  }
  if (choice === editItem) {
    await vscode.commands.executeCommand('ckafka.editCluster', cluster.id);
    return 'edit';
  }
  return undefined;
}

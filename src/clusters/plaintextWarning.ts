import * as vscode from 'vscode';
import type { ClusterStore } from './store';
import { ClusterSettings, clearTextPasswordHosts } from '../kafka/cluster';

/** globalState key: `id host:port,…` of each cluster and hosts already warned about, so each pair is warned once. */
export const PLAINTEXT_WARNED_KEY = 'ckafka.plaintextPasswordWarned';

/**
 * Before a SASL_PLAINTEXT cluster first connects to a host that is not this machine, warns once per
 * cluster and set of hosts (remembered in globalState, so a new host warns again) that the password crosses the network unencrypted, and offers to
 * switch the cluster to SASL_SSL or to edit it. Resolves with the button chosen, if any; never blocks the
 * connection it was called for.
 */
export async function warnPlaintextPassword(ctx: { state: vscode.Memento; log: vscode.LogOutputChannel; clusters: ClusterStore }, cluster: ClusterSettings): Promise<'switch' | 'edit' | undefined> {
  const hosts = clearTextPasswordHosts(cluster);
  const state = ctx.state;
  const warned = state.get<string[]>(PLAINTEXT_WARNED_KEY, []);
  const key = `${cluster.id} ${hosts.join(',')}`;
  if (hosts.length === 0 || warned.includes(key)) {
    return undefined;
  }
  // Memento.update changes the value at once and writes it later: a second connection right after sees it.
  const saved = state.update(PLAINTEXT_WARNED_KEY, [...warned, key]);
  ctx.log.warn(`cluster "${cluster.name}": SASL_PLAINTEXT to ${hosts.join(', ')} sends the password unencrypted`);
  const switchItem = vscode.l10n.t('Switch to SASL_SSL');
  const editItem = vscode.l10n.t('Edit Cluster');
  const shown = vscode.window.showWarningMessage(
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

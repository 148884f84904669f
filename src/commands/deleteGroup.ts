import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { loadGroup } from '../kafka/metadata';
import { resolveCluster } from '../clusters/pickCluster';
import { ExplorerNode, isExplorerNode } from '../views/explorer';
import { reportAdminFailure } from '../hints';

/** What tests and other callers may pass instead of a group node; `confirm: true` skips the question. */
export interface DeleteGroupArgs {
  clusterId: string;
  groupId: string;
  confirm?: boolean;
}

/**
 * `Delete Consumer Group` on a group without members: deletes it with its committed offsets after a modal
 * confirmation. A group with members is refused. Resolves with true when the group was deleted.
 */
export const deleteGroup =
  (ctx: Ctx) =>
  async (nodeOrArgs?: ExplorerNode | DeleteGroupArgs): Promise<boolean> => {
    const node = isExplorerNode(nodeOrArgs) ? nodeOrArgs : undefined;
    const args = node ? undefined : (nodeOrArgs as DeleteGroupArgs | undefined);
    const groupId = node ? (node.kind === 'group' ? node.name : undefined) : args?.groupId;
    if (groupId === undefined) {
      return false;
    }
    const cluster = await resolveCluster(ctx, args?.clusterId ?? node);
    if (!cluster) {
      return false;
    }
    try {
      const admin = await ctx.sessions.admin(cluster);
      // Asked again rather than trusting the tree: consumers may have joined since it was loaded.
      const group = await loadGroup(admin, groupId);
      if (group.members.length > 0) {
        void ctx.showWarning(
          vscode.l10n.t('Consumer group {0} has {1} active member(s). Stop its consumers before deleting it.', groupId, group.members.length),
        );
        await ctx.topologyChanged({ clusterId: cluster.id, what: 'groups' });
        return false;
      }
      if (!args?.confirm) {
        const remove = vscode.l10n.t('Delete');
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t('Delete consumer group {0} on {1}?', groupId, cluster.name),
          { modal: true, detail: vscode.l10n.t('Its committed offsets are deleted too; consumers that join it later start from their auto.offset.reset position.') },
          remove,
        );
        if (answer !== remove) {
          return false;
        }
      }
      await admin.deleteGroups([groupId]);
    } catch (error) {
      return reportAdminFailure(ctx.log, `delete consumer group "${groupId}" on "${cluster.name}"`, (hint) => vscode.l10n.t('Cannot delete consumer group {0}: {1}', groupId, hint), error);
    }
    ctx.log.info(`deleted consumer group "${groupId}" on "${cluster.name}"`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted consumer group {0}', groupId), 5000);
    await ctx.topologyChanged({ clusterId: cluster.id, what: 'groups' });
    return true;
  };

import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { resolveCluster } from '../clusters/pickCluster';
import { ExplorerNode, isExplorerNode } from '../views/explorer';
import { reportAdminFailure, showTopicAdminNotice } from '../hints';

/** What tests and other callers may pass instead of a topic node; `confirm: true` skips the typed confirmation. */
export interface DeleteTopicArgs {
  clusterId: string;
  topic: string;
  confirm?: boolean;
}

/**
 * `Delete Topic` on a topic node: the user confirms by typing the topic's name. Resolves with true when
 * the topic was deleted.
 */
export const deleteTopic =
  (ctx: Ctx) =>
  async (nodeOrArgs?: ExplorerNode | DeleteTopicArgs): Promise<boolean> => {
    const node = isExplorerNode(nodeOrArgs) ? nodeOrArgs : undefined;
    const args = node ? undefined : (nodeOrArgs as DeleteTopicArgs | undefined);
    const topic = node ? (node.kind === 'topic' ? node.name : undefined) : args?.topic;
    if (topic === undefined) {
      return false;
    }
    const cluster = await resolveCluster(ctx, args?.clusterId ?? node);
    if (!cluster) {
      return false;
    }
    showTopicAdminNotice(ctx.extension.globalState);
    if (!args?.confirm) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Delete topic {0} on {1}', topic, cluster.name),
        prompt: vscode.l10n.t('This deletes the topic and all its messages; it cannot be undone. Type the topic name to confirm.'),
        placeHolder: topic,
        ignoreFocusOut: true,
        validateInput: (v) => (v === topic ? undefined : vscode.l10n.t('Type {0} to confirm.', topic)),
      });
      if (typed !== topic) {
        return false;
      }
    }
    try {
      const admin = await ctx.sessions.admin(cluster);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting topic {0}…', topic) }, () =>
        admin.deleteTopics({ topics: [topic], timeout: 10_000 }),
      );
    } catch (error) {
      return reportAdminFailure(ctx.log, `delete topic "${topic}" on "${cluster.name}"`, (hint) => vscode.l10n.t('Cannot delete topic {0}: {1}', topic, hint), error);
    }
    ctx.log.info(`deleted topic "${topic}" on "${cluster.name}"`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted topic {0}', topic), 5000);
    await ctx.topologyChanged({ clusterId: cluster.id, what: 'topics' });
    await ctx.topologyChanged({ clusterId: cluster.id, what: 'groups' });
    return true;
  };

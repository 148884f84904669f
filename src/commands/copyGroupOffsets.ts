import * as vscode from 'vscode';
import { GroupArg, resolveGroup } from '../clusters/groupTarget';
import type { Ctx } from '../ctx';
import { loadGroup, loadGroupLag } from '../kafka/metadata';
import { hintFor } from '../hints';
import { groupFailure } from '../hints';

/**
 * `Copy Group Offsets as JSON`: the group's committed offset, log end and lag on every partition it has
 * offsets on (one topic's, from a group's topic node), for the record before a reset. Resolves with the
 * copied text, or undefined.
 */
export const copyGroupOffsets =
  (ctx: Ctx) =>
  async (arg?: GroupArg): Promise<string | undefined> => {
    const target = await resolveGroup(ctx, arg, vscode.l10n.t('Copy Group Offsets as JSON'));
    if (!target) {
      return undefined;
    }
    const { cluster, groupId, topic } = target;
    let json: string;
    try {
      const admin = await ctx.sessions.admin(cluster);
      const group = await loadGroup(admin, groupId);
      if (group.state === 'Dead') {
        void ctx.showError(vscode.l10n.t('Consumer group {0} does not exist on {1}.', groupId, cluster.name));
        return undefined;
      }
      const lag = await loadGroupLag(admin, groupId);
      const offsets = lag.partitions
        .filter((p) => topic === undefined || p.topic === topic)
        .map((p) => ({ topic: p.topic, partition: p.partition, committed: p.committed, logEnd: p.end, lag: p.lag }));
      json = JSON.stringify({ cluster: cluster.name, groupId, state: group.state, readAt: new Date().toISOString(), offsets }, null, 2);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        throw error;
      }
      const failure = await groupFailure(ctx.sessions, cluster, groupId, error);
      ctx.log.error(`reading the offsets of consumer group "${groupId}" on "${cluster.name}" failed (${failure.cause}): ${failure.detail}`);
      void ctx.showError(vscode.l10n.t('Cannot read the offsets of consumer group {0}: {1}', groupId, failure.cause === 'other' ? failure.detail : hintFor(failure.cause)));
      return undefined;
    }
    await vscode.env.clipboard.writeText(json);
    ctx.log.info(`copied the committed offsets of group "${groupId}" on "${cluster.name}" as JSON`);
    ctx.showStatus(vscode.l10n.t('Copied the offsets of consumer group {0} as JSON', groupId));
    return json;
  };

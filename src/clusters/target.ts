import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ClusterSettings } from '../kafka/cluster';
import { loadTopics } from '../kafka/metadata';
import { adminFailure } from '../hints';
import { nodeArg, resolveCluster } from './pickCluster';

/** A cluster and one of its topics: where a produce goes, or what a consumer reads. */
export interface TopicTarget {
  cluster: ClusterSettings;
  topic: string;
}

/** What a topic command may be called with: a topic node, `{ clusterId, topic }` (tests, keybindings), or nothing. */
export type TopicArg = { clusterId: string; topic: string } | unknown;

/**
 * Resolves the command's argument to a cluster and topic. Without one, asks with a QuickPick of cluster
 * (the last one used for `purpose` first) and then of its topics (the last one first). The last target is
 * remembered per workspace. Undefined when the user dismissed a pick.
 */
export async function resolveTopic(ctx: Ctx, arg: TopicArg, purpose: 'produce' | 'consume'): Promise<TopicTarget | undefined> {
  const given = givenTarget(ctx, arg);
  if (given) {
    await remember(ctx, purpose, given);
    return given;
  }
  const key = `ckafka.lastTarget.${purpose}`;
  const last = ctx.extension.workspaceState.get<{ clusterId: string; topic: string }>(key);
  const cluster = await resolveCluster(ctx, undefined, last?.clusterId);
  if (!cluster) {
    return undefined;
  }
  const topic = await pickTopicOf(ctx, cluster, last?.clusterId === cluster.id ? last.topic : undefined);
  if (topic === undefined) {
    return undefined;
  }
  const target = { cluster, topic };
  await remember(ctx, purpose, target);
  return target;
}

function givenTarget(ctx: Ctx, arg: TopicArg): TopicTarget | undefined {
  const node = nodeArg(arg);
  if (node) {
    return node.kind === 'topic' && node.name !== undefined ? { cluster: node.cluster, topic: node.name } : undefined;
  }
  if (typeof arg === 'object' && arg !== null && 'clusterId' in arg && 'topic' in arg) {
    const { clusterId, topic } = arg as { clusterId: string; topic: string };
    const cluster = ctx.clusters.get(clusterId);
    if (!cluster) {
      throw new Error(vscode.l10n.t('No cluster with id {0}.', clusterId));
    }
    return { cluster, topic };
  }
  return undefined;
}

function remember(ctx: Ctx, purpose: string, target: TopicTarget): Thenable<void> {
  return ctx.extension.workspaceState.update(`ckafka.lastTarget.${purpose}`, { clusterId: target.cluster.id, topic: target.topic });
}

/** A QuickPick of the cluster's topics, loaded while the pick is already open. */
async function pickTopicOf(ctx: Ctx, cluster: ClusterSettings, lastTopic: string | undefined): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { topic: string }>();
  pick.title = vscode.l10n.t('Topic on {0}', cluster.name);
  pick.placeholder = vscode.l10n.t('Choose a topic');
  pick.ignoreFocusOut = true;
  pick.busy = true;
  const chosen = new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.topic);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
  });
  pick.show();
  try {
    const admin = await ctx.sessions.admin(cluster);
    const topics = (await loadTopics(admin)).filter((t) => !t.internal).map((t) => t.name);
    topics.sort((a, b) => Number(b === lastTopic) - Number(a === lastTopic) || a.localeCompare(b));
    pick.items = topics.map((topic) => ({ label: topic, description: topic === lastTopic ? vscode.l10n.t('last used') : undefined, topic }));
    pick.busy = false;
    if (topics.length === 0) {
      pick.placeholder = vscode.l10n.t('{0} has no topics yet; create one from the explorer.', cluster.name);
    }
    return await chosen;
  } catch (error) {
    pick.hide();
    if (error instanceof vscode.CancellationError) {
      throw error;
    }
    const { hint, detail } = adminFailure(error);
    ctx.log.error(`listing the topics of ${cluster.name} failed: ${detail}`);
    throw new Error(vscode.l10n.t('Could not list the topics of {0}: {1}', cluster.name, hint));
  } finally {
    pick.dispose();
  }
}

import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ClusterSettings } from '../kafka/cluster';
import { loadGroupLag, loadGroups, loadTopics } from '../kafka/metadata';
import { nodeArg, resolveCluster } from './pickCluster';

/** A consumer group of a cluster, and optionally one of the topics it reads. */
export interface GroupTarget {
  cluster: ClusterSettings;
  groupId: string;
  topic?: string;
}

/** What a group command may be called with: a group or group-topic node, `{ clusterId, groupId, topic? }`, or nothing. */
export type GroupArg = { clusterId: string; groupId?: string; topic?: string } | unknown;

/**
 * Resolves the command's argument to a cluster and group (and the topic, from a group's topic node or the
 * argument). Without one, asks for the cluster and then the group. Undefined when the user dismissed a pick.
 */
export async function resolveGroup(ctx: Ctx, arg: GroupArg, title: string): Promise<GroupTarget | undefined> {
  const node = nodeArg(arg);
  if (node) {
    if (node.kind === 'group' && node.name !== undefined) {
      return { cluster: node.cluster, groupId: node.name };
    }
    if (node.kind === 'groupTopic' && node.groupId !== undefined && node.name !== undefined) {
      return { cluster: node.cluster, groupId: node.groupId, topic: node.name };
    }
    return undefined;
  }
  const given = typeof arg === 'object' && arg !== null && 'clusterId' in arg ? (arg as { clusterId: string; groupId?: string; topic?: string }) : undefined;
  const cluster = await resolveCluster(ctx, given?.clusterId);
  if (!cluster) {
    return undefined;
  }
  const groupId = given?.groupId ?? (await pickGroup(ctx, cluster, title));
  return groupId === undefined ? undefined : { cluster, groupId, ...(given?.topic === undefined ? {} : { topic: given.topic }) };
}

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

/** A QuickPick shown at once and filled when `load` resolves; resolves with the accepted item's value. */
async function pickLoaded<T>(title: string, placeholder: string, load: () => Promise<Item<T>[]>): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<Item<T>>();
  pick.title = title;
  pick.placeholder = placeholder;
  pick.ignoreFocusOut = true;
  pick.busy = true;
  const chosen = new Promise<T | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const value = pick.selectedItems[0]?.value;
      if (value !== undefined) {
        resolve(value);
        pick.hide();
      }
    });
    pick.onDidHide(() => resolve(undefined));
  });
  pick.show();
  try {
    pick.items = await load();
    pick.busy = false;
    return await chosen;
  } finally {
    pick.dispose();
  }
}

async function pickGroup(ctx: Ctx, cluster: ClusterSettings, title: string): Promise<string | undefined> {
  return pickLoaded(title, vscode.l10n.t('Choose a consumer group of {0}', cluster.name), async () => {
    const admin = await ctx.sessions.admin(cluster);
    const groups = await loadGroups(admin);
    return groups.map((g) => ({
      label: g.groupId,
      description: g.members.length > 0 ? vscode.l10n.t('{0} · {1} member(s)', g.state, g.members.length) : g.state,
      value: g.groupId,
    }));
  });
}

/**
 * Asks for one of the cluster's topics: first those the group has offsets on (with their lag), then the
 * others.
 */
export async function pickGroupTopic(ctx: Ctx, cluster: ClusterSettings, groupId: string, title: string): Promise<string | undefined> {
  return pickLoaded(title, vscode.l10n.t('Choose the topic whose offsets to reset'), async () => {
    const admin = await ctx.sessions.admin(cluster);
    const [lag, topics] = await Promise.all([loadGroupLag(admin, groupId), loadTopics(admin)]);
    const own = [...new Set(lag.partitions.map((p) => p.topic))];
    const lagOf = (topic: string) => lag.partitions.filter((p) => p.topic === topic).reduce((sum, p) => sum + (p.lag ?? 0), 0);
    const others = topics.filter((t) => !t.internal && !own.includes(t.name)).map((t) => t.name);
    return [
      ...own.map((topic) => ({ label: topic, description: vscode.l10n.t('committed · lag {0}', lagOf(topic)), value: topic })),
      ...(others.length > 0 && own.length > 0 ? [{ label: vscode.l10n.t('Other topics'), kind: vscode.QuickPickItemKind.Separator }] : []),
      ...others.map((topic) => ({ label: topic, description: vscode.l10n.t('no committed offset'), value: topic })),
    ];
  });
}

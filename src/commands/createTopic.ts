import * as vscode from 'vscode';
import { resolveCluster } from '../clusters/pickCluster';
import type { Ctx } from '../ctx';
import { parseCount, topicNameProblem } from '../kafka/metadata';
import { ExplorerNode, isExplorerNode } from '../views/explorer';
import { reportAdminFailure, showTopicAdminNotice } from '../hints';

/** What tests and other callers may pass to skip the prompts. */
export interface CreateTopicArgs {
  clusterId?: string;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
}

export function topicNameMessage(name: string): string | undefined {
  switch (topicNameProblem(name)) {
    case 'empty':
      return vscode.l10n.t('Enter a topic name.');
    case 'tooLong':
      return vscode.l10n.t('A topic name has at most 249 characters.');
    case 'badCharacters':
      return vscode.l10n.t('A topic name may contain only ASCII letters, digits, ".", "_" and "-".');
    case 'dots':
      return vscode.l10n.t('"." and ".." are not valid topic names.');
    default:
      return undefined;
  }
}

async function askCount(title: string, prompt: string, value: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (v) => (parseCount(v) === undefined ? vscode.l10n.t('Enter a whole number of at least 1.') : undefined),
  });
  return text === undefined ? undefined : parseCount(text);
}

/**
 * `Create Topic`, from a cluster or Topics node, the Command Palette, or with `{clusterId, topic,
 * partitions, replicationFactor}` (as the only or the second argument) to skip the prompts.
 * Resolves with true when the topic was created.
 */
export const createTopic =
  (ctx: Ctx) =>
  async (nodeOrArgs?: ExplorerNode | CreateTopicArgs, extra?: CreateTopicArgs): Promise<boolean> => {
    const node = isExplorerNode(nodeOrArgs) ? nodeOrArgs : undefined;
    const args: CreateTopicArgs = extra ?? (node ? {} : ((nodeOrArgs as CreateTopicArgs | undefined) ?? {}));
    const cluster = await resolveCluster(ctx, args.clusterId ?? node);
    if (!cluster) {
      return false;
    }
    showTopicAdminNotice(ctx.extension.globalState);
    const title = vscode.l10n.t('Create Topic on {0}', cluster.name);

    let name = args.topic;
    if (name === undefined) {
      name = await vscode.window.showInputBox({
        title,
        prompt: vscode.l10n.t('Topic name: letters, digits, ".", "_" and "-", up to 249 characters.'),
        placeHolder: 'orders',
        ignoreFocusOut: true,
        validateInput: (v) => topicNameMessage(v),
      });
      if (name === undefined) {
        return false;
      }
    }
    const nameProblem = topicNameMessage(name);
    if (nameProblem) {
      void ctx.showError(vscode.l10n.t('Cannot create topic "{0}": {1}', name, nameProblem));
      return false;
    }

    const partitions = args.partitions ?? (await askCount(title, vscode.l10n.t('Number of partitions'), '3'));
    if (partitions === undefined) {
      return false;
    }
    const replicationFactor = args.replicationFactor ?? (await askCount(title, vscode.l10n.t('Replication factor (at most the number of brokers)'), '2'));
    if (replicationFactor === undefined) {
      return false;
    }
    if (!Number.isInteger(partitions) || partitions < 1 || !Number.isInteger(replicationFactor) || replicationFactor < 1) {
      void ctx.showError(vscode.l10n.t('Cannot create topic {0}: partitions and replication factor must be whole numbers of at least 1.', name));
      return false;
    }

    const topic = name;
    try {
      const admin = await ctx.sessions.admin(cluster);
      const created = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating topic {0}…', topic) },
        () => admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor }], waitForLeaders: true, timeout: 10_000 }),
      );
      if (!created) {
        void ctx.showError(vscode.l10n.t('Cannot create topic {0}: {1}', topic, vscode.l10n.t('A topic with this name already exists.')));
        return false;
      }
    } catch (error) {
      return reportAdminFailure(ctx.log, `create topic "${topic}" on "${cluster.name}"`, (hint) => vscode.l10n.t('Cannot create topic {0}: {1}', topic, hint), error);
    }
    ctx.log.info(`created topic "${topic}" on "${cluster.name}" (${partitions} partitions, replication factor ${replicationFactor})`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Created topic {0}', topic), 5000);
    await ctx.topologyChanged({ clusterId: cluster.id, what: 'topics' });
    return true;
  };

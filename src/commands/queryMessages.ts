import * as path from 'path';
import * as vscode from 'vscode';
import { nodeArg } from '../clusters/pickCluster';
import { resolveTopic } from '../clusters/target';
import type { Ctx } from '../ctx';
import type { QueryPanels } from '../webviews/query/panel';

/** What links, tests and keybindings pass: a topic, optionally a partition to preselect or a record to show. */
export interface QueryMessagesArgs {
  clusterId: string;
  topic: string;
  partition?: number;
  offset?: number;
}

/**
 * The panel's code, bundled apart as dist/queryPanel.js and loaded when the command first runs, so that
 * activation pays nothing for it.
 */
function panelModule(): typeof import('../webviews/query/panel') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  return require(path.join(__dirname, 'queryPanel.js')) as typeof import('../webviews/query/panel');
}

const isWhole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * `Query Messages…`: opens the Message Query panel of a topic (one per cluster and topic; an open one is
 * revealed). From a topic or partition node (the partition preselected), `{ clusterId, topic, partition?,
 * offset? }` (a link: that record is shown), or the palette (cluster and topic are asked).
 */
export const queryMessages = (ctx: Ctx) => {
  let panels: QueryPanels | undefined;
  return async (arg?: unknown): Promise<void> => {
    const node = nodeArg(arg);
    const args = !node && typeof arg === 'object' && arg !== null && 'clusterId' in arg ? (arg as QueryMessagesArgs) : undefined;
    let partition: number | undefined;
    let record: { partition: number; offset: number } | undefined;
    let topicArg: unknown = arg;
    if (node?.kind === 'partition' && node.name !== undefined) {
      partition = (node as unknown as { offsets: { partition: number } }).offsets.partition;
      topicArg = { clusterId: node.cluster.id, topic: node.name };
    } else if (args) {
      partition = isWhole(args.partition) ? args.partition : undefined;
      record = partition !== undefined && isWhole(args.offset) ? { partition, offset: args.offset } : undefined;
      topicArg = { clusterId: args.clusterId, topic: args.topic };
    }
    const target = await resolveTopic(ctx, topicArg, 'consume');
    if (!target) {
      return;
    }
    if (!panels) {
      panels = ctx.own(new (panelModule().QueryPanels)(ctx));
    }
    panels.open({ ...target, partition, record });
  };
};

/**
 * Opens `vscode://<publisher>.<name>/query?cluster=<id>&topic=<t>&partition=<p>&offset=<o>` links (Copy
 * Link in the panel) in the Message Query panel. A link carries no secret; an unknown cluster id is an error.
 */
export function queryLinkHandler(ctx: Ctx): vscode.UriHandler {
  return {
    handleUri: async (uri) => {
      const params = new URLSearchParams(uri.query);
      const clusterId = params.get('cluster') ?? '';
      const topic = params.get('topic') ?? '';
      const partition = Number(params.get('partition') ?? '');
      const offset = Number(params.get('offset') ?? '');
      if (uri.path !== '/query' || clusterId === '' || topic === '' || !isWhole(partition) || !isWhole(offset)) {
        void ctx.showError(vscode.l10n.t('This CKafka link is not one it can open: {0}', uri.toString(true)));
        return;
      }
      if (!ctx.clusters.get(clusterId)) {
        void ctx.showError(vscode.l10n.t('This link is to a record of a cluster that is not configured here (id {0}). Add that cluster, or ask for a link to one of yours.', clusterId));
        return;
      }
      await vscode.commands.executeCommand('ckafka.queryMessages', { clusterId, topic, partition, offset } satisfies QueryMessagesArgs);
    },
  };
}

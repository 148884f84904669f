import type { Ctx } from '../ctx';
import { ExplorerNode, ExplorerProvider, isExplorerNode } from '../views/explorer';

/**
 * `CKafka: Refresh`: reloads the given node of the explorer (from its inline button, or an error node's
 * retry), or the whole tree (view title, Command Palette). Connections are kept. Resolves with the
 * explorer, so callers in the same extension host can reach it.
 */
export const refresh =
  (ctx: Ctx) =>
  (node?: ExplorerNode): ExplorerProvider | undefined => {
    ctx.explorer?.refresh(isExplorerNode(node) ? node : undefined);
    return ctx.explorer;
  };

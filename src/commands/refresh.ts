import type { Ctx } from '../ctx';
import { ExplorerNode, ExplorerProvider, explorerOf } from '../views/explorer';

/**
 * `CKafka: Refresh`: reloads the given node of the explorer (from its inline button, or an error node's
 * retry), or the whole tree (view title, Command Palette). Connections are kept. Resolves with the
 * explorer, so callers in the same extension host can reach it.
 */
export const refresh =
  (ctx: Ctx) =>
  (node?: ExplorerNode): ExplorerProvider | undefined => {
    const explorer = explorerOf(ctx);
    explorer?.refresh(isNode(node) ? node : undefined);
    return explorer;
  };

/** VS Code passes the clicked node; keybindings and other callers may pass anything. */
function isNode(value: unknown): value is ExplorerNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'cluster' in value;
}

import type { Ctx } from '../ctx';

/**
 * `CKafka: Refresh`: reloads the given node of the explorer (from its inline button, or an error node's
 * retry), or the whole tree (view title, Command Palette). Connections are kept. Resolves once reloaded.
 */
export const refresh = (ctx: Ctx) => (node?: unknown) => ctx.topologyChanged({ node });

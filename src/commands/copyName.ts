import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ExplorerNode } from '../views/explorer';

/** `Copy Name`: the cluster's name, the topic, the group, or a broker's host:port. Resolves with what it copied. */
export const copyName = (ctx: Ctx) => async (node?: ExplorerNode) => {
  const name = node?.name;
  if (name === undefined) {
    return undefined;
  }
  await vscode.env.clipboard.writeText(name);
  ctx.log.info(`copied "${name}" to the clipboard`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', name), 3000);
  return name;
};

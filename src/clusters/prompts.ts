import * as vscode from 'vscode';
import { ClusterSettings } from '../kafka/cluster';

/** Asks for a cluster's password in a password box; undefined when the user cancels. */
export function askPassword(cluster: ClusterSettings): Promise<string | undefined> {
  return Promise.resolve(
    vscode.window.showInputBox({
      title: vscode.l10n.t('Password for {0}', cluster.name),
      prompt: vscode.l10n.t('The password of {0}, as set under User Management (用户管理). It is kept in VS Code secret storage.', cluster.username ?? ''),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v === '' ? vscode.l10n.t('Enter the password.') : undefined),
    }),
  );
}

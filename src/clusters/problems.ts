import * as vscode from 'vscode';
import { ClusterStore } from './store';
import { clusterProblemText } from './validation';

/**
 * Says once, as a warning with a way to the settings, why an entry of `ckafka.clusters` is not used
 * (an unknown security protocol, a duplicate id…): at activation and whenever the setting changes.
 */
export function reportClusterProblems(store: ClusterStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const shown = new Set<string>();
  const report = () => {
    for (const entry of store.entries()) {
      if (!entry.problem) {
        continue;
      }
      const text = clusterProblemText({ ...entry, problem: entry.problem });
      if (shown.has(text)) {
        continue;
      }
      shown.add(text);
      log.warn(`ckafka.clusters: ${text}`);
      const open = vscode.l10n.t('Open User Settings');
      void vscode.window.showWarningMessage(text, open).then((choice) => {
        if (choice === open) {
          void vscode.commands.executeCommand('workbench.action.openSettingsJson');
        }
      });
    }
  };
  report();
  return store.onDidChange(report);
}

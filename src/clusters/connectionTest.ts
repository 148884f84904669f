import * as vscode from 'vscode';
import { ClusterSessions, timeouts } from './sessions';
import { hintFor } from '../hints';
import { ClusterSettings, usesSasl } from '../kafka/cluster';
import { diagnose, DiagnosisStep, StepReport } from '../kafka/diagnose';

function stepName(step: DiagnosisStep): string {
  switch (step) {
    case 'resolve':
      return vscode.l10n.t('Resolving the broker host names');
    case 'connect':
      return vscode.l10n.t('Connecting over TCP');
    case 'authenticate':
      return vscode.l10n.t('Authenticating (SASL)');
    case 'metadata':
      return vscode.l10n.t('Reading cluster metadata');
    case 'topicAccess':
      return vscode.l10n.t('Checking access to a topic');
  }
}

/** Result of a connection test: the steps, and the hint for the failed one, if any. */
export interface ConnectionTestResult {
  ok: boolean;
  steps: StepReport[];
  hint?: string;
}

/** Runs the step-by-step test with progress, logs each step, and reports the outcome. */
export async function runConnectionTest(ctx: { log: vscode.LogOutputChannel; sessions: ClusterSessions }, cluster: ClusterSettings): Promise<ConnectionTestResult> {
  const password = usesSasl(cluster) ? await ctx.sessions.password(cluster) : undefined;
  const steps = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing connection to {0}', cluster.name) },
    (progress) =>
      diagnose(cluster, password, timeouts(), (r) => {
        progress.report({ message: `${stepName(r.step)}: ${r.ok ? r.detail : '✗'}` });
        const line = `test connection "${cluster.name}": ${r.step} ${r.ok ? 'ok' : 'FAILED'}: ${r.detail}`;
        if (r.ok) {
          ctx.log.info(line);
        } else {
          ctx.log.error(line);
        }
      }),
  );
  const failed = steps.find((s) => !s.ok);
  if (!failed?.failure) {
    ctx.sessions.setStatus(cluster, 'connected');
    const counts = steps.find((s) => s.step === 'metadata')?.counts ?? { brokers: 0, topics: 0 };
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0}: {1} broker(s), {2} topic(s).', cluster.name, counts.brokers, counts.topics));
    return { ok: true, steps };
  }
  ctx.sessions.setStatus(cluster, 'error');
  const hint = hintFor(failed.failure.cause);
  void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed for {1}. {2}', stepName(failed.step), cluster.name, hint));
  return { ok: false, steps, hint };
}


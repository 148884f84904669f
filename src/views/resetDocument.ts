import * as vscode from 'vscode';
import type { PlannedPartition, PlanNote, ResetPlan, ResetStrategy } from '../kafka/reset/plan';
import { markdownTable } from './table';

/** What the reset document describes: where, how, the plan, and once written what was read back. */
export interface ResetReport {
  cluster: string;
  groupId: string;
  topic: string;
  strategy: ResetStrategy;
  plan: ResetPlan;
  /** The committed offsets read back after writing; absent for the dry run. */
  readBack?: ReadonlyMap<number, number | null>;
  /** When the offsets were read back. */
  readAt?: Date;
}

/** Markdown text is shown as typed: characters Markdown would interpret are escaped. */
function text(value: string): string {
  return value.replace(/[\\`*_{}[\]<>()#+!|~]/g, '\\$&');
}

export function describeStrategy(strategy: ResetStrategy): string {
  switch (strategy.kind) {
    case 'earliest':
      return vscode.l10n.t('to the earliest offset');
    case 'latest':
      return vscode.l10n.t('to the latest offset');
    case 'timestamp':
      return vscode.l10n.t('to the first record at or after {0} ({1} ms)', new Date(strategy.timestamp).toISOString(), strategy.timestamp);
    case 'offset':
      return vscode.l10n.t('to offset {0}', strategy.offset);
    case 'offsets':
      return vscode.l10n.t('to the offsets {0}', [...strategy.offsets].map(([p, o]) => `${p}:${o}`).join(', '));
    case 'shift':
      return vscode.l10n.t('shifted by {0}', strategy.by > 0 ? `+${strategy.by}` : String(strategy.by));
  }
}

function noteText(note: PlanNote | undefined, p: PlannedPartition): string {
  switch (note) {
    case 'clampedToStart':
      return vscode.l10n.t('⚠ clamped to start (asked {0})', p.wanted);
    case 'clampedToEnd':
      return vscode.l10n.t('⚠ clamped to end (asked {0})', p.wanted);
    case 'noRecordAfterTime':
      return vscode.l10n.t('no record since the time: log end');
    default:
      return '';
  }
}

/** Partitions whose committed offset read back is not the planned one. */
export function differences(report: ResetReport): PlannedPartition[] {
  const readBack = report.readBack;
  return readBack ? report.plan.partitions.filter((p) => readBack.get(p.partition) !== p.next) : [];
}

/**
 * The reset as a Markdown document: the dry run's table (each partition's committed offset, the new
 * offset, the lag after, the log's ends, and a note where the offset was clamped), and after writing a
 * column with what the broker holds and a line saying whether it matches the plan. Kept narrow enough
 * for an editor beside the explorer.
 */
export function renderReset(report: ResetReport): string {
  const { plan, readBack } = report;
  const none = vscode.l10n.t('none');
  const differing = differences(report);
  const title = !readBack
    ? vscode.l10n.t('Reset offsets of consumer group {0}: dry run', text(report.groupId))
    : differing.length === 0
      ? vscode.l10n.t('Reset offsets of consumer group {0}: written', text(report.groupId))
      : vscode.l10n.t('Reset offsets of consumer group {0}: NOT as planned', text(report.groupId));
  const headers = [vscode.l10n.t('Partition'), vscode.l10n.t('Committed'), vscode.l10n.t('New offset'), vscode.l10n.t('Lag after'), vscode.l10n.t('Log start–end'), vscode.l10n.t('Note')];
  const rows = plan.partitions.map((p) => [String(p.partition), p.current === null ? none : String(p.current), String(p.next), String(p.lagAfter), `${p.start}–${p.end}`, noteText(p.note, p)]);
  if (readBack) {
    headers.push(vscode.l10n.t('Read back'));
    plan.partitions.forEach((p, i) => {
      const got = readBack.get(p.partition) ?? null;
      rows[i].push(got === p.next ? `✓ ${got}` : `✗ ${got === null ? none : got}`);
    });
  }
  const lines = [
    `# ${title}`,
    '',
    `- ${vscode.l10n.t('Cluster: {0}', text(report.cluster))}`,
    `- ${vscode.l10n.t('Consumer group: {0}', text(report.groupId))}`,
    `- ${vscode.l10n.t('Topic: {0}', text(report.topic))}`,
    `- ${vscode.l10n.t('Strategy: {0}', describeStrategy(report.strategy))}`,
    `- ${plan.partitions.length === 1 ? vscode.l10n.t('1 partition to write') : vscode.l10n.t('{0} partitions to write', plan.partitions.length)}`,
    '',
    markdownTable(headers, rows, ['right', 'right', 'right', 'right', 'right', 'left', 'left']),
    '',
  ];
  if (plan.uncommitted.length > 0) {
    lines.push(vscode.l10n.t('Not moved, as they have no committed offset to shift from: partitions {0}.', plan.uncommitted.join(', ')), '');
  }
  const clamped = plan.partitions.filter((p) => p.note === 'clampedToStart' || p.note === 'clampedToEnd').length;
  if (clamped > 0) {
    lines.push(vscode.l10n.t('{0} offset(s) outside the log were clamped to its ends.', clamped), '');
  }
  if (!readBack) {
    lines.push(vscode.l10n.t('Nothing has been written yet: confirm to commit these offsets. The group must have no active member.'));
  } else {
    const at = (report.readAt ?? new Date()).toTimeString().slice(0, 8);
    lines.push(
      differing.length === 0
        ? vscode.l10n.t('Read back from the broker at {0}: every partition holds its new offset.', at)
        : vscode.l10n.t('Read back from the broker at {0}: {1} partition(s) differ from the plan: {2}.', at, differing.length, differing.map((p) => p.partition).join(', ')),
    );
  }
  return `${lines.join('\n')}\n`;
}

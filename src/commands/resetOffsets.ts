import * as vscode from 'vscode';
import { GroupArg, pickGroupTopic, resolveGroup } from '../clusters/groupTarget';
import { hintFor } from '../hints';
import { validationMessage } from '../clusters/validation';
import type { Ctx } from '../ctx';
import type { ClusterSettings } from '../kafka/cluster';
import { GroupMember, loadGroup } from '../kafka/metadata';
import { parseTimestamp } from '../kafka/position';
import { ActiveMembersError, loadResetState, ResetState, timeOffsets, UnknownGroupError, writePlan } from '../kafka/reset/apply';
import { parseResetOffsets, parseShift, planReset, ResetPlan, ResetStrategy, ResetStrategyArg, resetStrategyFrom } from '../kafka/reset/plan';
import { ValidationError } from '../kafka/validation';
import { groupFailure } from '../hints';
import { describeStrategy, renderReset, ResetReport } from '../views/resetDocument';

/** What tests and keybindings pass to skip the prompts; whatever is missing is asked for. */
export interface ResetOffsetsArgs {
  clusterId: string;
  groupId?: string;
  topic?: string;
  /** `'earliest'`, `'latest'`, `{ timestamp }` (ISO, local, or "2 hours ago"), `{ offset }` (`42` or `0:10,2:30`) or `{ shift }` (`-10`). */
  to?: ResetStrategyArg;
  /** The partitions to reset; all of the topic's when `to` is given without them. */
  partitions?: number[];
  /** true: write after showing the dry run, without the modal question. */
  confirm?: boolean;
}

export type ResetOutcome = 'written' | 'notAsPlanned' | 'cancelled' | 'refused' | 'failed';

/** What the command resolves with: the outcome, and the plan once there is one. */
export interface ResetResult {
  outcome: ResetOutcome;
  plan?: ResetPlan;
}

/** Members named in a refusal; the others are counted (all are in the log). */
const MEMBERS_NAMED = 10;

const RESULT = (outcome: ResetOutcome, plan?: ResetPlan): ResetResult => ({ outcome, ...(plan ? { plan } : {}) });

/**
 * `Reset Group Offsets…` on a group, a group's topic, or from the palette: asks for the strategy (earliest,
 * latest, a time, an offset, a shift) and the partitions, shows the dry run as a document, and after a
 * modal confirmation commits the offsets, reads them back and compares them with the plan. A group with
 * active members is refused, naming them.
 */
export const resetOffsets =
  (ctx: Ctx) =>
  async (arg?: GroupArg): Promise<ResetResult> => {
    const title = vscode.l10n.t('Reset Group Offsets');
    const target = await resolveGroup(ctx, arg, title);
    if (!target) {
      return RESULT('cancelled');
    }
    const { cluster, groupId } = target;
    const args = typeof arg === 'object' && arg !== null && 'clusterId' in arg ? (arg as ResetOffsetsArgs) : undefined;
    let topic = target.topic;
    let plan: ResetPlan | undefined;
    try {
      const admin = await ctx.sessions.admin(cluster);
      if (topic === undefined) {
        // Refused before any question when the group is in use or unknown; asked again before writing.
        const group = await loadGroup(admin, groupId);
        if (group.state === 'Dead') {
          throw new UnknownGroupError(groupId);
        }
        if (group.members.length > 0) {
          refuseActive(ctx, cluster, groupId, group.members);
          return RESULT('refused');
        }
        topic = await pickGroupTopic(ctx, cluster, groupId, title);
        if (topic === undefined) {
          return RESULT('cancelled');
        }
      }
      const state = await loadResetState(admin, groupId, topic);
      if (state.group.members.length > 0) {
        refuseActive(ctx, cluster, groupId, state.group.members);
        return RESULT('refused');
      }
      const stepTitle = `${title}: ${groupId} · ${topic}`;
      const strategy = args?.to !== undefined ? resetStrategyFrom(args.to) : await askStrategy(stepTitle);
      if (!strategy) {
        return RESULT('cancelled');
      }
      const partitions = strategy.kind === 'offsets' ? undefined : (args?.partitions ?? (args?.to !== undefined ? undefined : await askPartitions(stepTitle, state)));
      if (partitions === null) {
        return RESULT('cancelled');
      }
      const times = strategy.kind === 'timestamp' ? await timeOffsets(admin, topic, strategy.timestamp) : undefined;
      plan = planReset({ positions: state.positions, strategy, partitions, timeOffsets: times });
      if (plan.partitions.length === 0) {
        void ctx.showError(vscode.l10n.t('Nothing to reset: none of the chosen partitions of {0} has a committed offset of consumer group {1} to shift from.', topic, groupId));
        return RESULT('refused', plan);
      }
      const report: ResetReport = { cluster: cluster.name, groupId, topic, strategy, plan };
      const uri = ctx.documents.uri(`reset ${groupId} · ${topic}`);
      await ctx.documents.show(uri, renderReset(report));
      ctx.log.info(`reset offsets of group "${groupId}" on "${cluster.name}"/"${topic}" (${strategy.kind}), dry run: ${plan.partitions.map((p) => `${p.partition}: ${p.current ?? 'none'} -> ${p.next}${p.note ? ` (${p.note})` : ''}`).join(', ')}`);
      if (!args?.confirm && !(await confirm(cluster, groupId, topic, strategy, plan))) {
        ctx.log.info(`reset offsets of group "${groupId}" on "${cluster.name}"/"${topic}": cancelled, nothing written`);
        return RESULT('cancelled', plan);
      }
      const kafka = await ctx.sessions.session(cluster).kafka();
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Resetting the offsets of consumer group {0}…', groupId) }, () =>
        writePlan(kafka, admin, groupId, topic as string, plan as ResetPlan),
      );
      ctx.documents.set(uri, renderReset({ ...report, readBack: result.committed, readAt: new Date() }));
      await ctx.topologyChanged({ clusterId: cluster.id, what: 'groups' });
      let why = '';
      if (result.error !== undefined) {
        const failure = await groupFailure(ctx.sessions, cluster, groupId, result.error);
        ctx.log.error(`reset offsets of group "${groupId}": the commit failed (${failure.cause}): ${failure.detail}`);
        why = ` ${vscode.l10n.t('The commit failed: {0}', failure.cause === 'other' ? failure.detail : hintFor(failure.cause))}`;
      }
      if (result.mismatches.length > 0) {
        const list = result.mismatches.map((m) => vscode.l10n.t('partition {0} holds {1} instead of {2}', m.partition, m.committed ?? vscode.l10n.t('none'), m.planned)).join('; ');
        ctx.log.error(`reset offsets of group "${groupId}" on "${topic}": read back differs from the plan: ${list}`);
        void ctx.showError(vscode.l10n.t('The offsets of consumer group {0} on {1} are not as planned after writing: {2}. See the document and the CKafka output.', groupId, topic, list) + why);
        return RESULT('notAsPlanned', plan);
      }
      ctx.log.info(`reset offsets of group "${groupId}" on "${topic}": read back as planned`);
      const n = plan.partitions.length;
      void ctx.showInfo(
        n === 1
          ? vscode.l10n.t('Reset the offsets of consumer group {0} on {1}: 1 partition, read back as planned.', groupId, topic)
          : vscode.l10n.t('Reset the offsets of consumer group {0} on {1}: {2} partitions, read back as planned.', groupId, topic, n),
      );
      return RESULT('written', plan);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        throw error;
      }
      if (error instanceof ActiveMembersError) {
        refuseActive(ctx, cluster, groupId, error.members);
        return RESULT('refused', plan);
      }
      const reason = await failureReason(ctx, cluster, groupId, topic, error);
      void ctx.showError(vscode.l10n.t('Cannot reset the offsets of consumer group {0}: {1}', groupId, reason));
      return RESULT('failed', plan);
    }
  };

/** Why the reset failed, in words the user can act on; the detail goes to the log. */
async function failureReason(ctx: Ctx, cluster: ClusterSettings, groupId: string, topic: string | undefined, error: unknown): Promise<string> {
  if (error instanceof ValidationError) {
    return validationMessage(() => {
      throw error;
    }) as string;
  }
  if (error instanceof UnknownGroupError) {
    return vscode.l10n.t('it does not exist on {0}.', cluster.name);
  }
  const failure = await groupFailure(ctx.sessions, cluster, groupId, error);
  ctx.log.error(`reset offsets of group "${groupId}" on "${cluster.name}"${topic ? `/"${topic}"` : ''} failed (${failure.cause}): ${failure.detail}`);
  if (failure.cause === 'unknownTopic') {
    return vscode.l10n.t('the topic {0} does not exist on {1}.', topic ?? '', cluster.name);
  }
  return failure.cause === 'other' ? failure.detail : hintFor(failure.cause);
}

/** Kafka changes an active group's offsets only through its members: name them, and how to stop them. */
function refuseActive(ctx: Ctx, cluster: ClusterSettings, groupId: string, members: readonly GroupMember[]): void {
  const shown = members.slice(0, MEMBERS_NAMED).map((m) => vscode.l10n.t('{0} on {1}', m.clientId || m.memberId, m.clientHost));
  const names = [...shown, ...(members.length > MEMBERS_NAMED ? [vscode.l10n.t('and {0} more', members.length - MEMBERS_NAMED)] : [])].join(', ');
  const ours = ctx.consumers.forCluster(cluster.id).filter((c) => c.groupId === groupId).length;
  const here = ours > 0 ? ` ${vscode.l10n.t('{0} of them run in VS Code: stop them with CKafka: Stop Consumer.', ours)}` : '';
  ctx.log.warn(`reset offsets of group "${groupId}" on "${cluster.name}" refused: ${members.length} active member(s): ${members.map((m) => `${m.clientId} ${m.clientHost} ${m.memberId}`).join(', ')}`);
  void ctx.showError(
    vscode.l10n.t(
      'Consumer group {0} has {1} active member(s): {2}. Offsets can only be reset while the group has no member: stop the applications (or kcat) consuming with this group and try again; a member that did not leave drops out after its session timeout.',
      groupId,
      members.length,
      names,
    ) + here,
  );
}

async function confirm(cluster: ClusterSettings, groupId: string, topic: string, strategy: ResetStrategy, plan: ResetPlan): Promise<boolean> {
  const n = plan.partitions.length;
  const reset = vscode.l10n.t('Reset Offsets');
  const clamped = plan.partitions.filter((p) => p.note === 'clampedToStart' || p.note === 'clampedToEnd').length;
  const detail = [
    vscode.l10n.t('Cluster {0}, strategy: {1}.', cluster.name, describeStrategy(strategy)),
    vscode.l10n.t('The dry run shows each partition\'s committed offset now and its new offset; consumers of this group will read from the new offsets.'),
    ...(clamped > 0 ? [vscode.l10n.t('{0} offset(s) outside the log were clamped to its ends.', clamped)] : []),
  ].join('\n');
  const question =
    n === 1
      ? vscode.l10n.t('Reset the offsets of consumer group {0} on topic {1}: 1 partition?', groupId, topic)
      : vscode.l10n.t('Reset the offsets of consumer group {0} on topic {1}: {2} partitions?', groupId, topic, n);
  return (await vscode.window.showWarningMessage(question, { modal: true, detail }, reset)) === reset;
}

async function askStrategy(title: string): Promise<ResetStrategy | undefined> {
  type Choice = vscode.QuickPickItem & { strategy: ResetStrategy['kind'] | 'offsetSpec' };
  const choices: Choice[] = [
    { strategy: 'earliest', label: vscode.l10n.t('To earliest'), detail: vscode.l10n.t('The oldest record still kept: the group reads everything again.') },
    { strategy: 'latest', label: vscode.l10n.t('To latest'), detail: vscode.l10n.t('The log end: the group skips every record not yet read.') },
    { strategy: 'timestamp', label: vscode.l10n.t('To a time…'), detail: vscode.l10n.t('The first record at or after a time, on each partition.') },
    { strategy: 'offsetSpec', label: vscode.l10n.t('To an offset…'), detail: vscode.l10n.t('One offset for every partition, or partition:offset pairs.') },
    { strategy: 'shift', label: vscode.l10n.t('Shift by…'), detail: vscode.l10n.t('Move the committed offsets back or forward by a number of records.') },
  ];
  const placeHolder = vscode.l10n.t('Where to move the committed offsets');
  const picked = await vscode.window.showQuickPick(choices, { title, placeHolder, ignoreFocusOut: true });
  const ask = async <T>(prompt: string, parse: (text: string) => T): Promise<T | undefined> => {
    const typed = await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (value) => validationMessage(() => parse(value)) });
    return typed === undefined ? undefined : parse(typed);
  };
  switch (picked?.strategy) {
    case 'earliest':
    case 'latest':
      return { kind: picked.strategy };
    case 'timestamp': {
      const timestamp = await ask(vscode.l10n.t('An ISO date-time (e.g. 2026-11-24T08:00:00+08:00; local time without a zone) or a time such as "2 hours ago".'), (t) => parseTimestamp(t));
      return timestamp === undefined ? undefined : { kind: 'timestamp', timestamp };
    }
    case 'offsetSpec':
      return ask(vscode.l10n.t('An offset for every chosen partition (e.g. 42), or partition:offset pairs (e.g. 0:10, 2:30). Offsets outside the log are clamped to its ends.'), parseResetOffsets);
    case 'shift': {
      const by = await ask(vscode.l10n.t('Records to move each committed offset by: negative goes back (e.g. -10), positive forward (e.g. +10).'), parseShift);
      return by === undefined ? undefined : { kind: 'shift', by };
    }
    default:
      return undefined;
  }
}

/** The partitions to reset, all chosen at first; null when dismissed. A topic of one partition asks nothing. */
async function askPartitions(title: string, state: ResetState): Promise<number[] | null> {
  if (state.positions.length <= 1) {
    return state.positions.map((p) => p.partition);
  }
  const items = state.positions.map((p) => ({
    label: vscode.l10n.t('Partition {0}', p.partition),
    description: vscode.l10n.t('committed {0} · log {1}–{2}', p.committed ?? vscode.l10n.t('none'), p.start, p.end),
    picked: true,
    partition: p.partition,
  }));
  const placeHolder = vscode.l10n.t('Partitions to reset (all are chosen; untick the ones to keep)');
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, canPickMany: true, ignoreFocusOut: true });
  return picked && picked.length > 0 ? picked.map((p) => p.partition) : null;
}

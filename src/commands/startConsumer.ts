import * as vscode from 'vscode';
import { TopicArg, TopicTarget, resolveTopic } from '../clusters/target';
import { validationMessage } from '../clusters/validation';
import { describePosition, failureText } from '../consumers/running';
import type { Ctx } from '../ctx';
import { ConsumeError } from '../kafka/consume';
import { classifyError } from '../kafka/errors';
import { GroupMove, movesGroup, planGroupMove } from '../kafka/groupMove';
import { parseOffsetSpec, parseTimestamp, StartPosition, startPositionFrom, StartPositionArg } from '../kafka/position';
import { ValidationError } from '../kafka/validation';

/** What tests and keybindings pass to skip every prompt. Without `group`, an ephemeral group is used. */
export interface StartConsumerArgs {
  clusterId: string;
  topic: string;
  /** `'latest'` (the default), `'earliest'`, `{ offset, partition? }` or `{ timestamp }` (ISO or "10 minutes ago"). */
  from?: StartPositionArg;
  /** A named group: reads from and commits its offsets; never deleted. */
  group?: string;
}

function isArgs(arg: unknown): arg is StartConsumerArgs {
  return typeof arg === 'object' && arg !== null && 'clusterId' in arg && 'topic' in arg && !('kind' in arg);
}

/**
 * `Start Consumer`: asks for the cluster and topic (or takes them from the topic node), the start position
 * and the group, starts the consumer and shows its output channel. Resolves with the consumer's id once it
 * has joined its group, or undefined when the user cancelled or it could not start.
 */
export const startConsumer =
  (ctx: Ctx) =>
  async (arg?: TopicArg): Promise<string | undefined> => {
    // While the user answers the prompts, the consumer thread starts and loads kafkajs.
    ctx.consumers.warm();
    const args = isArgs(arg) ? arg : undefined;
    const target = await resolveTopic(ctx, args ? { clusterId: args.clusterId, topic: args.topic } : arg, 'consume');
    if (!target) {
      return undefined;
    }
    let from: StartPosition | undefined;
    let group: { groupId: string; ephemeral: boolean } | undefined;
    if (args) {
      try {
        from = startPositionFrom(args.from ?? 'latest');
      } catch (error) {
        return refuse(ctx, target.topic, error);
      }
      const named = args.group?.trim();
      group = named ? { groupId: named, ephemeral: false } : { groupId: ctx.consumers.ephemeralGroupId(), ephemeral: true };
    } else {
      from = await askPosition();
      group = from && (await askGroup(ctx));
    }
    if (!from || !group) {
      return undefined;
    }
    let startAt: ReadonlyMap<number, number> | undefined;
    if (!group.ephemeral && movesGroup(from)) {
      try {
        startAt = await confirmGroupMove(ctx, target, group.groupId, from);
      } catch (error) {
        return refuse(ctx, target.topic, error);
      }
      if (!startAt) {
        return undefined;
      }
    }
    try {
      const consumer = await ctx.consumers.start({ cluster: target.cluster, topic: target.topic, from, ...group, ...(startAt ? { startAt } : {}) });
      return consumer.id;
    } catch (error) {
      return refuse(ctx, target.topic, error);
    }
  };

/** Partitions listed one per line in the confirmation; more are counted. */
const MAX_LISTED_PARTITIONS = 20;

/**
 * Before a named group is moved to an offset or a time: refuses while the group has active members,
 * naming them; otherwise asks, in a modal listing each partition's committed → new offset. Resolves with
 * the confirmed offsets, or undefined when refused or cancelled (nothing has been committed then).
 */
async function confirmGroupMove(ctx: Ctx, target: TopicTarget, groupId: string, from: StartPosition): Promise<ReadonlyMap<number, number> | undefined> {
  const { cluster, topic } = target;
  const plan = await planGroupMove(await ctx.sessions.admin(cluster), groupId, topic, from);
  if (plan.activeMembers.length > 0) {
    refuseActiveGroup(ctx, plan);
    return undefined;
  }
  const listed = plan.partitions.slice(0, MAX_LISTED_PARTITIONS).map((p) => vscode.l10n.t('Partition {0}: {1} → {2}', p.partition, p.committed ?? vscode.l10n.t('none'), p.target));
  if (plan.partitions.length > MAX_LISTED_PARTITIONS) {
    listed.push(vscode.l10n.t('… and {0} more partitions', plan.partitions.length - MAX_LISTED_PARTITIONS));
  }
  const move = vscode.l10n.t('Move Group');
  const detail = [
    vscode.l10n.t('Its committed offsets (位点) on topic {0} are replaced as soon as the consumer starts; an application reading as this group later goes on from the new offsets.', topic),
    '',
    ...listed,
  ].join('\n');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Move consumer group {0} to {1}?', groupId, describePosition(from)), { modal: true, detail }, move);
  if (answer !== move) {
    ctx.log.info(`start consumer on "${topic}": moving group "${groupId}" cancelled; nothing committed`);
    return undefined;
  }
  ctx.log.info(`start consumer on "${topic}": moving group "${groupId}": ${plan.partitions.map((p) => `p${p.partition} ${p.committed ?? 'none'}->${p.target}`).join(', ')}`);
  return new Map(plan.partitions.map((p) => [p.partition, p.target]));
}

function refuseActiveGroup(ctx: Ctx, plan: GroupMove): void {
  const members = plan.activeMembers.map((m) => vscode.l10n.t('{0} on {1}', m.clientId, m.clientHost)).join(', ');
  ctx.log.warn(`start consumer on "${plan.topic}": group "${plan.groupId}" is ${plan.state} with ${plan.activeMembers.length} member(s) (${plan.activeMembers.map((m) => `${m.clientId} ${m.clientHost}`).join(', ')}); not moved`);
  void ctx.showError(
    vscode.l10n.t(
      'Consumer group {0} is in use by {1} consumer(s): {2}. Moving it now would change the position they read from, so nothing was changed. Stop those consumers first, or read from that position with an ephemeral group, which leaves {0} where it is.',
      plan.groupId,
      plan.activeMembers.length,
      members,
    ),
  );
}

/** Reports why the consumer could not start, with the console hint; the detail goes to the log. */
function refuse(ctx: Ctx, topic: string, error: unknown): undefined {
  if (error instanceof vscode.CancellationError) {
    throw error;
  }
  let reason: string;
  if (error instanceof ValidationError) {
    reason = validationMessage(() => {
      throw error;
    }) as string;
  } else {
    const failure = error instanceof ConsumeError ? error.failure : classifyError(error);
    ctx.log.error(`start consumer on "${topic}" failed (${failure.cause}): ${failure.detail}`);
    reason = failureText(failure);
  }
  void ctx.showError(vscode.l10n.t('Cannot start the consumer on {0}: {1}', topic, reason));
  return undefined;
}

async function askPosition(): Promise<StartPosition | undefined> {
  type Choice = vscode.QuickPickItem & { position: StartPosition['kind'] };
  const choices: Choice[] = [
    { position: 'latest', label: vscode.l10n.t('Latest'), description: vscode.l10n.t('default'), detail: vscode.l10n.t('Only records that arrive from now on.') },
    { position: 'earliest', label: vscode.l10n.t('Earliest'), detail: vscode.l10n.t('Every record still on the topic.') },
    { position: 'offset', label: vscode.l10n.t('Offset…'), detail: vscode.l10n.t('From an offset on every partition, or on one partition only.') },
    { position: 'timestamp', label: vscode.l10n.t('Timestamp…'), detail: vscode.l10n.t('From a point in time: an ISO date-time or "10 minutes ago".') },
  ];
  const picked = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Start Consumer'), placeHolder: vscode.l10n.t('Where to start reading'), ignoreFocusOut: true });
  switch (picked?.position) {
    case 'latest':
    case 'earliest':
      return { kind: picked.position };
    case 'offset': {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Start Consumer'),
        prompt: vscode.l10n.t('An offset for every partition (e.g. 42), or partition:offset to read one partition only (e.g. 2:42).'),
        ignoreFocusOut: true,
        validateInput: (value) => validationMessage(() => parseOffsetSpec(value)),
      });
      return text === undefined ? undefined : { kind: 'offset', ...parseOffsetSpec(text) };
    }
    case 'timestamp': {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Start Consumer'),
        prompt: vscode.l10n.t('An ISO date-time (e.g. 2026-11-24T08:00:00+08:00; local time without a zone) or a time such as "10 minutes ago".'),
        ignoreFocusOut: true,
        validateInput: (value) => validationMessage(() => parseTimestamp(value)),
      });
      return text === undefined ? undefined : { kind: 'timestamp', timestamp: parseTimestamp(text) };
    }
    default:
      return undefined;
  }
}

async function askGroup(ctx: Ctx): Promise<{ groupId: string; ephemeral: boolean } | undefined> {
  const ephemeralId = ctx.consumers.ephemeralGroupId();
  const picked = await vscode.window.showQuickPick(
    [
      { ephemeral: true, label: vscode.l10n.t('Ephemeral group'), description: ephemeralId, detail: vscode.l10n.t('Commits nothing; deleted when the consumer stops.') },
      { ephemeral: false, label: vscode.l10n.t('Named group…'), detail: vscode.l10n.t('Reads from the group\'s committed offsets and commits, as an application would; never deleted.') },
    ],
    { title: vscode.l10n.t('Start Consumer'), placeHolder: vscode.l10n.t('Consumer group'), ignoreFocusOut: true },
  );
  if (!picked) {
    return undefined;
  }
  if (picked.ephemeral) {
    return { groupId: ephemeralId, ephemeral: true };
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Start Consumer'),
    prompt: vscode.l10n.t('The consumer group to read as (it needs an ACL policy allowing it).'),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? validationMessage(() => { throw new ValidationError('group.empty', value); }) : undefined),
  });
  return name === undefined ? undefined : { groupId: name.trim(), ephemeral: false };
}

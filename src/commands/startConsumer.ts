import * as vscode from 'vscode';
import { TopicArg, resolveTopic } from '../clusters/target';
import { validationMessage } from '../clusters/validation';
import { failureText } from '../consumers/running';
import type { Ctx } from '../ctx';
import { ConsumeError } from '../kafka/consume';
import { classifyError } from '../kafka/errors';
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
    try {
      const consumer = await ctx.consumers.start({ cluster: target.cluster, topic: target.topic, from, ...group });
      return consumer.id;
    } catch (error) {
      return refuse(ctx, target.topic, error);
    }
  };

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

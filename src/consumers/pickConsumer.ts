import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { RunningConsumer } from './running';

/** What the consumer commands accept: an id, a consumer tree node, `{ id }`, or nothing (then they ask). */
export type ConsumerArg = string | { consumerId: string } | { id: string } | undefined;

/** The consumer an argument names; undefined when it names none. */
export function givenConsumer(ctx: Ctx, arg: unknown): RunningConsumer | undefined {
  const id =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && 'consumerId' in arg
        ? String((arg as { consumerId: unknown }).consumerId)
        : typeof arg === 'object' && arg !== null && 'id' in arg
          ? String((arg as { id: unknown }).id)
          : undefined;
  return id === undefined ? undefined : ctx.consumers.get(id);
}

/** One line per consumer: topic, cluster, group, state and records. */
export function consumerItem(c: RunningConsumer): vscode.QuickPickItem & { consumer: RunningConsumer } {
  const state = c.state === 'reconnecting' ? vscode.l10n.t('reconnecting') : vscode.l10n.t('{0} records', c.received.toLocaleString());
  return { label: c.topic, description: `${c.cluster.name} · ${state}`, detail: vscode.l10n.t('group {0}', c.groupId), consumer: c };
}

/** Asks which running consumer; says so and resolves undefined when none runs. */
export async function pickConsumer(ctx: Ctx, placeHolder: string): Promise<RunningConsumer | undefined> {
  const consumers = ctx.consumers.list();
  if (consumers.length === 0) {
    void ctx.showInfo(vscode.l10n.t('No consumer is running.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(consumers.map(consumerItem), { placeHolder });
  return picked?.consumer;
}

import * as vscode from 'vscode';
import { ConsumerArg, givenConsumer, pickConsumer } from '../consumers/pickConsumer';
import type { Ctx } from '../ctx';

/** `Stop Consumer`: the one given (id, tree node) or the one picked; the only one when just one runs. Resolves with whether one stopped. */
export const stopConsumer =
  (ctx: Ctx) =>
  async (arg?: ConsumerArg): Promise<boolean> => {
    let consumer = givenConsumer(ctx, arg);
    if (!consumer && arg !== undefined) {
      void ctx.showInfo(vscode.l10n.t('That consumer is no longer running.'));
      return false;
    }
    const running = ctx.consumers.list();
    consumer ??= running.length === 1 ? running[0] : await pickConsumer(ctx, vscode.l10n.t('Choose the consumer to stop'));
    if (!consumer) {
      return false;
    }
    await ctx.consumers.stop(consumer.id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Stopped the consumer on {0}', consumer.topic), 5000);
    return true;
  };

/** `Stop All Consumers`: resolves with how many were stopped. */
export const stopAllConsumers = (ctx: Ctx) => async (): Promise<number> => {
  const count = await ctx.consumers.stopAll();
  vscode.window.setStatusBarMessage(vscode.l10n.t('Stopped {0} consumer(s)', count), 5000);
  return count;
};

import * as vscode from 'vscode';
import { ConsumerArg, consumerItem, givenConsumer } from '../consumers/pickConsumer';
import type { Ctx } from '../ctx';

/**
 * `Show Consumer Output` (also the status-bar item's click): shows the output channel of the consumer given,
 * or of the one picked from the running ones; each pick item has a button that stops its consumer.
 */
export const showConsumer =
  (ctx: Ctx) =>
  async (arg?: ConsumerArg): Promise<void> => {
    const given = givenConsumer(ctx, arg);
    if (given) {
      given.channel.show(true);
      return;
    }
    if (ctx.consumers.list().length === 0) {
      void ctx.showInfo(vscode.l10n.t('No consumer is running.'));
      return;
    }
    const stopButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-stop'), tooltip: vscode.l10n.t('Stop Consumer') };
    const pick = vscode.window.createQuickPick<ReturnType<typeof consumerItem>>();
    const fill = () => (pick.items = ctx.consumers.list().map((c) => ({ ...consumerItem(c), buttons: [stopButton] })));
    pick.placeholder = vscode.l10n.t('Choose a consumer to show its output');
    fill();
    const done = new Promise<void>((resolve) => {
      pick.onDidAccept(() => {
        pick.selectedItems[0]?.consumer.channel.show(true);
        pick.hide();
      });
      pick.onDidTriggerItemButton(async (e) => {
        await ctx.consumers.stop(e.item.consumer.id);
        fill();
        if (pick.items.length === 0) {
          pick.hide();
        }
      });
      pick.onDidHide(() => resolve());
    });
    pick.show();
    await done;
    pick.dispose();
  };

import * as vscode from 'vscode';
import type { RunningConsumer } from './running';

const REFRESH_MS = 1000;

/**
 * The status-bar item: how many consumers run and how many records they received; a warning look while
 * one is reconnecting. Hidden when none runs; clicking it opens the consumer picker.
 */
export class ConsumerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ckafka.consumers', vscode.StatusBarAlignment.Left, 0);
  private timer: ReturnType<typeof setInterval> | undefined;
  private consumers: readonly RunningConsumer[] = [];

  constructor() {
    this.item.name = vscode.l10n.t('CKafka Consumers');
    this.item.command = 'ckafka.showConsumer';
  }

  /** What the item shows; undefined while hidden. For tests: VS Code cannot read a status bar back. */
  get text(): string | undefined {
    return this.consumers.length > 0 ? this.item.text : undefined;
  }

  get tooltip(): string | undefined {
    return this.consumers.length > 0 ? (this.item.tooltip as string | undefined) : undefined;
  }

  get degraded(): boolean {
    return this.consumers.some((c) => c.state === 'reconnecting');
  }

  /** Shows these consumers; refreshes the record count every second while any runs. */
  update(consumers: readonly RunningConsumer[]): void {
    this.consumers = consumers;
    if (consumers.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
      return;
    }
    this.timer ??= setInterval(() => this.render(), REFRESH_MS);
    this.render();
    this.item.show();
  }

  private render(): void {
    const consumers = this.consumers;
    const records = consumers.reduce((n, c) => n + c.received, 0);
    const reconnecting = consumers.filter((c) => c.state === 'reconnecting');
    const icon = reconnecting.length > 0 ? '$(warning)' : '$(radio-tower)';
    this.item.text = `${icon} ${vscode.l10n.t('{0} consuming · {1} records', consumers.length, records.toLocaleString())}`;
    this.item.backgroundColor = reconnecting.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const lines = consumers.map((c) =>
      c.state === 'reconnecting'
        ? vscode.l10n.t('{0}/{1}: reconnecting', c.cluster.name, c.topic)
        : vscode.l10n.t('{0}/{1}: {2} records', c.cluster.name, c.topic, c.received.toLocaleString()),
    );
    this.item.tooltip = [vscode.l10n.t('CKafka consumers (click to show or stop one)'), ...lines].join('\n');
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.item.dispose();
  }
}

import * as vscode from 'vscode';
import type { OutputSink } from '../kafka/output';

/** An output channel as the sink of a consumer's ChannelLines. */
export class ChannelSink implements OutputSink {
  constructor(readonly channel: vscode.OutputChannel) {}

  append(text: string): void {
    this.channel.append(text);
  }

  replace(text: string): void {
    this.channel.replace(text);
  }
}

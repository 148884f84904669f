import * as vscode from 'vscode';
import { ClusterChangeEvent, onlyRenamed, timeouts } from '../clusters/sessions';
import type { ClusterSessions } from '../clusters/sessions';
import { usesSasl } from '../kafka/cluster';
import { parseBootstrapServers } from '../kafka/connection';
import { ConsumeError, ephemeralGroupId } from '../kafka/consume';
import { ConsumerThread } from '../kafka/consumerThread';
import { classifyError } from '../kafka/errors';
import type { Undecodable } from '../kafka/codecs';
import type { Failure } from '../kafka/errors';
import { ConsumerObserver, ConsumerTarget, failureText, RunningConsumer } from './running';
import { consumerSettings } from './settings';
import { ConsumerStatusBar } from './statusBar';

/**
 * The consumers the user started, by id. It keeps the status bar and the tree informed, passes setting
 * changes on, and stops everything on deactivate. A stopped consumer's channel stays readable until
 * another consumer on the same cluster and topic starts, or the extension is deactivated.
 */
export class Consumers implements vscode.Disposable {
  private readonly running = new Map<string, RunningConsumer>();
  /** Channels of stopped consumers, by channel name. */
  private readonly finished = new Map<string, RunningConsumer>();
  private nextId = 1;
  private readonly changed = new vscode.EventEmitter<RunningConsumer>();
  /** Fires when a consumer starts, changes state or stops. */
  readonly onDidChange = this.changed.event;
  readonly statusBar = new ConsumerStatusBar();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly observer: ConsumerObserver;
  /** Where every consumer reads and formats its records; it runs while a consumer does. */
  private readonly thread: ConsumerThread;

  constructor(private readonly ctx: { log: vscode.LogOutputChannel; sessions: ClusterSessions }) {
    this.thread = new ConsumerThread((text) => ctx.log.warn(text));
    this.observer = {
      log: ctx.log,
      changed: (consumer) => this.fire(consumer),
      failed: (consumer, failure) => this.failed(consumer, failure),
      undecodable: (consumer, partition, batch) => void this.undecodable(consumer, partition, batch),
    };
    this.subscriptions.push(
      this.changed,
      this.statusBar,
      ctx.sessions.onDidChangeCluster((event) => void this.clusterChanged(event)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ckafka.consumer')) {
          const settings = consumerSettings();
          this.running.forEach((c) => c.applySettings(settings));
        }
      }),
    );
  }

  list(): RunningConsumer[] {
    return [...this.running.values()];
  }

  /** Every consumer whose output channel is still open: the running ones and the stopped ones kept readable. */
  withChannels(): RunningConsumer[] {
    return [...this.running.values(), ...this.finished.values()];
  }

  get(id: string): RunningConsumer | undefined {
    return this.running.get(id);
  }

  forCluster(clusterId: string): RunningConsumer[] {
    return this.list().filter((c) => c.cluster.id === clusterId);
  }

  /** Gets the consumer thread ready for a consumer about to start; it ends again if none comes. */
  warm(): void {
    this.thread.warm();
  }

  /** A fresh ephemeral group name for this machine. */
  ephemeralGroupId(): string {
    return ephemeralGroupId(vscode.env.machineId);
  }

  /**
   * Starts a consumer and resolves once it has joined its group. On failure nothing keeps running; the
   * channel stays open with what happened, and the error is thrown for the command to report.
   */
  async start(target: ConsumerTarget): Promise<RunningConsumer> {
    const password = usesSasl(target.cluster) ? await this.ctx.sessions.password(target.cluster) : undefined;
    parseBootstrapServers(target.cluster.bootstrapServers); // refuses a bad list before anything starts
    const consumer = new RunningConsumer(`consumer-${this.nextId++}`, target, { password, timeouts: timeouts() }, consumerSettings(), this.observer, this.thread);
    const previous = this.finished.get(consumer.channelName);
    previous?.disposeChannel();
    this.finished.delete(consumer.channelName);
    this.running.set(consumer.id, consumer);
    this.fire(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.running.delete(consumer.id);
      this.retire(consumer);
      this.fire(consumer);
      throw error;
    }
    this.fire(consumer);
    return consumer;
  }

  /** Stops one consumer; false when no consumer has this id. */
  async stop(id: string): Promise<boolean> {
    const consumer = this.running.get(id);
    if (!consumer) {
      return false;
    }
    this.running.delete(id);
    this.fire(consumer);
    await consumer.stop();
    this.retire(consumer);
    return true;
  }

  /** Stops every consumer; resolves with how many were stopped. */
  async stopAll(): Promise<number> {
    const ids = [...this.running.keys()];
    await Promise.all(ids.map((id) => this.stop(id)));
    return ids.length;
  }

  private failed(consumer: RunningConsumer, failure: Failure): void {
    if (this.running.delete(consumer.id)) {
      void consumer.stop().then(() => this.retire(consumer));
      void vscode.window.showErrorMessage(vscode.l10n.t('The consumer on {0} stopped: {1}', consumer.topic, failureText(failure)));
    }
  }

  private async undecodable(consumer: RunningConsumer, partition: number, batch: Undecodable): Promise<void> {
    const skip = vscode.l10n.t('Skip Batch');
    const stop = vscode.l10n.t('Stop Consumer');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0}, partition {1}: the record batch at offsets {2}–{3} cannot be decoded ({4}). The other partitions go on.', consumer.topic, partition, batch.firstOffset, batch.lastOffset, batch.reason),
      skip,
      stop,
    );
    if (!this.running.has(consumer.id)) {
      return;
    }
    if (choice === skip) {
      consumer.skipUndecodable(partition);
    } else if (choice === stop) {
      await this.stop(consumer.id);
    }
  }

  /** Consumers follow their cluster: new settings or a new password restart them, a removal stops them. */
  private async clusterChanged({ id, settings, passwordChanged }: ClusterChangeEvent): Promise<void> {
    for (const consumer of this.forCluster(id)) {
      if (!settings) {
        consumer.explainStop(vscode.l10n.t('The cluster {0} was removed, so this consumer stopped.', consumer.cluster.name));
        await this.stop(consumer.id);
      } else if (!passwordChanged && onlyRenamed(consumer.cluster, settings)) {
        consumer.relabel(settings);
        this.fire(consumer);
      } else {
        try {
          const password = usesSasl(settings) ? await this.ctx.sessions.password(settings) : undefined;
          await consumer.restart(settings, { password, timeouts: timeouts() });
          this.fire(consumer);
        } catch (error) {
          const failure = error instanceof ConsumeError ? error.failure : classifyError(error);
          this.failed(consumer, failure);
        }
      }
    }
  }

  /** Keeps a stopped consumer's channel readable, closing an older one of the same name. */
  private retire(consumer: RunningConsumer): void {
    const older = this.finished.get(consumer.channelName);
    if (older && older !== consumer) {
      older.disposeChannel();
    }
    this.finished.set(consumer.channelName, consumer);
  }

  private fire(consumer: RunningConsumer): void {
    this.statusBar.update(this.list());
    this.changed.fire(consumer);
  }

  dispose(): void {
    void this.stopAll().then(() => {
      this.finished.forEach((c) => c.disposeChannel());
      this.finished.clear();
    });
    this.subscriptions.forEach((s) => s.dispose());
  }
}

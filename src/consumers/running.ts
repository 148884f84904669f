import * as vscode from 'vscode';
import { hintFor } from '../hints';
import type { ClientTimeouts, ClusterSettings } from '../kafka/cluster';
import type { Undecodable } from '../kafka/codecs';
import type { ConsumerEvent, ConsumerState } from '../kafka/consume';
import { ConsumerThread, ThreadedConsumer } from '../kafka/consumerThread';
import type { Failure } from '../kafka/errors';
import { ChannelLines } from '../kafka/output';
import type { StartPosition } from '../kafka/position';
import { ChannelSink } from './channel';
import { ConsumerSettings } from './settings';

/** What to consume: a topic of a cluster, where to start, and with which group. */
export interface ConsumerTarget {
  cluster: ClusterSettings;
  topic: string;
  from: StartPosition;
  groupId: string;
  /** Deleted when the consumer stops; a named group keeps its committed offsets. */
  ephemeral: boolean;
  /** Where `from` was resolved to beforehand, per partition (a named group's move, as confirmed). */
  startAt?: ReadonlyMap<number, number>;
}

/** What a consumer connects with: the cluster's password (if it uses SASL) and the client timeouts. */
export interface Credentials {
  password: string | undefined;
  timeouts: ClientTimeouts;
}

/** How a running consumer tells the registry about itself. */
export interface ConsumerObserver {
  changed(consumer: RunningConsumer): void;
  /** A failure that ended the consumer after it had started. */
  failed(consumer: RunningConsumer, failure: Failure): void;
  /** A partition waits at a batch that could not be decoded, until the user skips it or stops the consumer. */
  undecodable(consumer: RunningConsumer, partition: number, batch: Undecodable): void;
  log: vscode.LogOutputChannel;
}

/** The user-facing words for a failure: the console hint, or the raw detail when there is none. */
export function failureText(failure: Failure): string {
  return failure.cause === 'other' ? failure.detail : hintFor(failure.cause);
}

export function describePosition(from: StartPosition): string {
  switch (from.kind) {
    case 'earliest':
      return vscode.l10n.t('the earliest offset');
    case 'latest':
      return vscode.l10n.t('the latest offset (new records only)');
    case 'offset':
      return from.partition === undefined
        ? vscode.l10n.t('offset {0} on every partition', from.offset)
        : vscode.l10n.t('offset {0} of partition {1} (only that partition is read)', from.offset, from.partition);
    case 'timestamp':
      return vscode.l10n.t('the first record at or after {0}', new Date(from.timestamp).toISOString());
  }
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/**
 * One consumer the user started: its session, which reads and formats records in the consumer thread,
 * its own output channel `CKafka: <cluster>/<topic>` with what the thread hands back, and what the
 * status bar and the tree show about it.
 */
export class RunningConsumer {
  readonly channelName: string;
  readonly channel: vscode.OutputChannel;
  private readonly shown: ChannelLines;
  private settings: ConsumerSettings;
  private session: ThreadedConsumer;
  /** Records received by the sessions before the current one (a restart starts a new session). */
  private receivedBefore = 0;
  private stopped: Promise<void> | undefined;
  /** The last failure that made the consumer reconnect or stop. */
  lastFailure: Failure | undefined;

  constructor(
    readonly id: string,
    public target: ConsumerTarget,
    credentials: Credentials,
    settings: ConsumerSettings,
    private readonly observer: ConsumerObserver,
    private readonly thread: ConsumerThread,
  ) {
    this.channelName = `CKafka: ${target.cluster.name}/${target.topic}`;
    this.channel = vscode.window.createOutputChannel(this.channelName);
    this.settings = settings;
    this.shown = new ChannelLines(new ChannelSink(this.channel), {
      maxLines: settings.maxLines,
      maxBytes: settings.maxBytes,
      droppedNote: (dropped) =>
        this.note(
          vscode.l10n.t(
            '{0} older lines were dropped to keep this channel within ckafka.consumer.maxLines ({1} lines) and ckafka.consumer.maxBytes ({2} bytes).',
            dropped,
            this.settings.maxLines,
            this.settings.maxBytes,
          ),
        ),
      skippedNote: (skipped, perSecond) => this.note(vscode.l10n.t('{0} records not shown: {1} arrived a second, more than this channel can show. The newest follow.', skipped, perSecond)),
    });
    this.session = this.newSession(credentials);
  }

  private newSession(credentials: Credentials, resume?: ReadonlyMap<number, number>): ThreadedConsumer {
    const { cluster, topic, groupId, ephemeral, from, startAt } = this.target;
    const { format, maxLines, maxBytes } = this.settings;
    const spec = {
      cluster,
      ...credentials,
      topic,
      groupId,
      ephemeral,
      from,
      // A restart goes on from where it was; only the first start moves a named group to the confirmed offsets.
      startAt: resume || !startAt ? undefined : [...startAt],
      resume: resume && [...resume],
      format,
      maxLines,
      maxBytes,
    };
    const session: ThreadedConsumer = new ThreadedConsumer(this.thread, spec, {
      lines: (delivery) => this.shown.show(delivery),
      event: (event) => {
        if (this.session === session) {
          this.onEvent(event);
        }
      },
    });
    return session;
  }

  /**
   * The cluster's settings or password changed: the consumer stops its connection made with the old ones
   * and starts again with the new, going on from the next offset it would have shown. Rejects like `start`.
   */
  async restart(cluster: ClusterSettings, credentials: Credentials): Promise<void> {
    const old = this.session;
    await old.stop();
    const resume = await old.positions();
    this.receivedBefore += old.received;
    this.target = { ...this.target, cluster };
    this.session = this.newSession(credentials, resume);
    this.say(vscode.l10n.t('The settings of cluster {0} changed: reconnecting to {1} with them.', cluster.name, cluster.bootstrapServers));
    this.observer.log.info(`consumer ${this.id}: restarting with the new settings of "${cluster.name}" (${cluster.bootstrapServers})`);
    await this.session.start();
  }

  /** The cluster was renamed: only labels change. */
  relabel(cluster: ClusterSettings): void {
    this.target = { ...this.target, cluster };
  }

  /** Notes in the channel why the consumer is about to stop. */
  explainStop(text: string): void {
    this.say(text);
  }

  get cluster(): ClusterSettings {
    return this.target.cluster;
  }

  get topic(): string {
    return this.target.topic;
  }

  get groupId(): string {
    return this.target.groupId;
  }

  get state(): ConsumerState {
    return this.session.state;
  }

  /** Records received so far. */
  get received(): number {
    return this.receivedBefore + this.session.received;
  }

  /** The lines the output channel holds now (VS Code offers no way to read a channel back). */
  lines(): readonly string[] {
    return this.shown.lines();
  }

  /** Appends to the channel that many times so far; records come at most about 10 times a second. */
  get flushes(): number {
    return this.shown.flushes;
  }

  applySettings(settings: ConsumerSettings): void {
    this.settings = settings;
    this.session.applySettings(settings.format, settings.maxLines, settings.maxBytes);
    this.shown.setLimits({ maxLines: settings.maxLines, maxBytes: settings.maxBytes });
  }

  /** Shows the channel, starts the session and resolves once the group is joined; rejects with its failure. */
  async start(): Promise<void> {
    const { cluster, topic, groupId, ephemeral, from } = this.target;
    this.channel.show(true);
    this.say(vscode.l10n.t('Starting a consumer on topic {0} of {1} from {2}.', topic, cluster.name, describePosition(from)));
    this.say(
      ephemeral
        ? vscode.l10n.t('Consumer group {0}: ephemeral, deleted when the consumer stops.', groupId)
        : vscode.l10n.t('Consumer group {0}: reads from and commits its offsets, as an application would; it is kept when the consumer stops.', groupId),
    );
    this.observer.log.info(`consumer ${this.id}: starting on "${topic}" of "${cluster.name}", group "${groupId}"${ephemeral ? ' (ephemeral)' : ''}, from ${from.kind}`);
    await this.session.start();
  }

  /** Stops the session (leaving the group, deleting an ephemeral one) and appends the last lines. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const deleted = await this.session.stop();
    const { groupId, ephemeral } = this.target;
    this.say(vscode.l10n.t('Consumer stopped after {0} records.', this.received));
    if (ephemeral && deleted === true) {
      this.say(vscode.l10n.t('Consumer group {0} was deleted.', groupId));
    } else if (ephemeral) {
      this.say(vscode.l10n.t('Consumer group {0} could not be deleted; the broker removes it once its offsets expire.', groupId));
    }
    this.observer.log.info(`consumer ${this.id}: stopped after ${this.received} records; group "${groupId}" ${ephemeral ? (deleted ? 'deleted' : 'not deleted') : 'kept'}`);
  }

  /** Disposes the channel; called when the channel is no longer wanted. */
  disposeChannel(): void {
    this.channel.dispose();
  }

  private onEvent(event: ConsumerEvent): void {
    switch (event.type) {
      case 'joined': {
        const partitions = event.partitions.join(', ');
        if (event.reconnected) {
          this.lastFailure = undefined;
          this.say(vscode.l10n.t('Reconnected; reading partitions {0} again from where the output stopped.', partitions));
          this.observer.log.info(`consumer ${this.id}: reconnected`);
        } else {
          this.say(vscode.l10n.t('Joined the group; reading partitions {0}.', partitions || vscode.l10n.t('none')));
        }
        break;
      }
      case 'connectionLost':
        this.lastFailure = event.failure;
        this.say(vscode.l10n.t('Connection lost: {0} Retrying in {1} s…', failureText(event.failure), Math.round(event.retryInMs / 100) / 10));
        this.observer.log.warn(`consumer ${this.id}: connection lost (${event.failure.cause}): ${event.failure.detail}; retrying in ${event.retryInMs} ms`);
        break;
      case 'failed':
        this.lastFailure = event.failure;
        this.say(vscode.l10n.t('The consumer stopped: {0}', failureText(event.failure)));
        this.observer.log.error(`consumer ${this.id}: failed (${event.failure.cause}): ${event.failure.detail}`);
        this.observer.failed(this, event.failure);
        break;
      case 'undecodable': {
        const { firstOffset, lastOffset, compression, reason } = event.batch;
        this.say(
          vscode.l10n.t(
            'Partition {0}: the record batch at offsets {1}–{2} cannot be decoded ({3}: {4}). This partition waits there while the others go on; skip the batch to read on after it, or stop the consumer.',
            event.partition,
            firstOffset,
            lastOffset,
            compression,
            reason,
          ),
        );
        this.observer.log.warn(`consumer ${this.id}: partition ${event.partition} offsets ${firstOffset}-${lastOffset}: ${compression} batch cannot be decoded: ${reason}`);
        this.observer.undecodable(this, event.partition, event.batch);
        break;
      }
    }
    this.observer.changed(this);
  }

  /** Reads on after the batch a partition waits at; false when that partition is not waiting. */
  skipUndecodable(partition: number): boolean {
    const held = this.session.heldPartitions().get(partition);
    const resumeAt = this.session.skipUndecodable(partition);
    if (!held || resumeAt === undefined) {
      return false;
    }
    this.say(vscode.l10n.t('Partition {0}: skipped offsets {1}–{2}; reading on from offset {3}.', partition, held.firstOffset, held.lastOffset, resumeAt));
    this.observer.log.info(`consumer ${this.id}: partition ${partition} skipped offsets ${held.firstOffset}-${held.lastOffset}`);
    this.observer.changed(this);
    return true;
  }

  private note(text: string): string {
    return `[${clock()}] ${text}`;
  }

  /** A line of the consumer's own, between the records. */
  private say(text: string): void {
    this.shown.showLine(this.note(text));
  }
}

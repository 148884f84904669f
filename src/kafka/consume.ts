import { randomBytes } from 'crypto';
import type { Admin, Consumer, Kafka, KafkaConfig } from 'kafkajs';
import { kafkajs } from './lib';
import { Undecodable, undecodable } from './codecs';
import { Failure, FailureCause } from './errors';
import type { ConsumedRecord } from './format';
import { classifyGroupFailure } from './groupAccess';
import { StartPosition } from './position';
import { ValidationError } from './validation';

/** Records of one partition, in offset order, none shown before. */
export interface RecordBatch {
  topic: string;
  partition: number;
  records: readonly ConsumedRecord[];
}

export type ConsumerEvent =
  /** The consumer joined its group and reads these partitions (`reconnected` after a lost connection). */
  | { type: 'joined'; partitions: number[]; reconnected: boolean }
  /** The connection failed; the consumer tries again after `retryInMs`. */
  | { type: 'connectionLost'; failure: Failure; retryInMs: number }
  /** A failure retrying cannot fix (authentication, ACL, unknown topic): the consumer has stopped. */
  | { type: 'failed'; failure: Failure }
  /**
   * A batch of this partition could not be decoded (unknown compression, corrupt data). The partition waits
   * at the batch until `skipUndecodable`; the other partitions go on. Reported once per batch.
   */
  | { type: 'undecodable'; partition: number; batch: Undecodable };

export type ConsumerState = 'starting' | 'running' | 'reconnecting' | 'stopped' | 'failed';

export interface ConsumeOptions {
  topic: string;
  groupId: string;
  /**
   * A group of this consumer alone: it commits nothing, resumes after a lost connection from the last
   * record handed over, and is deleted when the consumer stops. A named group instead reads from its
   * committed offsets and commits what it reads, as an application would.
   */
  ephemeral: boolean;
  /** For an ephemeral group, where to start; for a named group, where to start on partitions without a committed offset (earliest, latest) or everywhere (an offset, a timestamp). */
  from: StartPosition;
  /** The offsets `from` resolved to beforehand (a move the user confirmed), per partition: used instead of resolving it again. */
  startAt?: ReadonlyMap<number, number>;
  /** Gets each batch of new records; the next fetch waits for the returned promise. */
  onBatch(batch: RecordBatch): void | Promise<void>;
  onEvent?(event: ConsumerEvent): void;
  /** First and longest wait before reconnecting; the wait doubles after each failure. */
  reconnect?: { initialMs: number; maxMs: number };
  /**
   * Where to go on, per partition, overriding `from`: a consumer restarted with new cluster settings goes on
   * from the next offset it would have shown.
   */
  resume?: ReadonlyMap<number, number>;
  /** Fetch sizes and wait; the defaults favour throughput with bounded memory. */
  fetch?: { maxBytesPerPartition?: number; maxBytes?: number; maxWaitTimeInMs?: number };
}

/** Why a consumer could not start, classified like Test Connection's failures. */
export class ConsumeError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.detail);
    this.name = 'ConsumeError';
  }
}

/** Failures after which reconnecting would only fail again. */
const FATAL: ReadonlySet<FailureCause> = new Set(['authentication', 'topicAuthorization', 'groupAuthorization', 'clusterAuthorization', 'unknownTopic']);
const STOP_TIMEOUT_MS = 8000;

/** `ckafka-vscode-<machine>-<random>`: a group name no other consumer uses. */
export function ephemeralGroupId(machineId: string, random: string = randomBytes(4).toString('hex')): string {
  const machine = machineId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'local';
  return `ckafka-vscode-${machine}-${random}`;
}

/** First offset to read on each partition for a start position; an offset outside the log is moved into it. */
export async function startOffsets(admin: Admin, topic: string, from: StartPosition): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const out = new Map<number, number>();
  if (from.kind === 'timestamp') {
    for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, from.timestamp)) {
      out.set(partition, Number(offset));
    }
    return out;
  }
  if (from.kind === 'offset' && from.partition !== undefined && !offsets.some((o) => o.partition === from.partition)) {
    throw new ValidationError('position.badPartition', String(from.partition));
  }
  for (const o of offsets) {
    const low = Number(o.low);
    const high = Number(o.high);
    const wanted = from.kind === 'earliest' ? low : from.kind === 'latest' ? high : from.offset;
    out.set(o.partition, Math.min(Math.max(wanted, low), high));
  }
  return out;
}

/**
 * A consumer reading one topic until stopped. It hands each batch of records to `onBatch` in offset order,
 * never the same offset twice. When the connection fails it reports `connectionLost` and reconnects with
 * a growing wait; after a reconnect an ephemeral group seeks back to the record after the last one handed
 * over, and a named group goes on from its committed offsets. Failures no retry can fix end it (`failed`).
 */
export class ConsumerSession {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private stateValue: ConsumerState = 'starting';
  /** Next offset to hand over, per partition. */
  private readonly next = new Map<number, number>();
  /** Seeks for the first join: every partition for an ephemeral group, or what a named group needs. */
  private firstSeeks = new Map<number, number>();
  /** Partitions waiting at a batch that could not be decoded. */
  private readonly held = new Map<number, Undecodable>();
  /** Where a skipped partition goes on when the skip came while no consumer was connected. */
  private readonly skippedTo = new Map<number, number>();
  private joinedOnce = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private startWaiter: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private stopping: Promise<boolean | undefined> | undefined;

  constructor(
    private readonly config: KafkaConfig,
    private readonly options: ConsumeOptions,
  ) {
    this.kafka = new (kafkajs().Kafka)(config);
  }

  get state(): ConsumerState {
    return this.stateValue;
  }

  /** The next offset to be handed over on each partition read so far (or seeked to). */
  positions(): ReadonlyMap<number, number> {
    return new Map(this.next);
  }

  /** The offsets the consumer starts from, per partition; known once `start` resolved. */
  get startedAt(): ReadonlyMap<number, number> {
    return this.firstSeeks;
  }

  /**
   * Resolves the start offsets, connects, and resolves once the consumer has joined its group. Rejects with
   * a ConsumeError (or a ValidationError for a partition the topic lacks) and leaves nothing running.
   */
  async start(): Promise<void> {
    const { topic, groupId, from } = this.options;
    try {
      this.admin = this.kafka.admin();
      await this.admin.connect();
      const offsets = this.options.startAt ? new Map(this.options.startAt) : await startOffsets(this.admin, topic, from);
      if (this.options.ephemeral || from.kind === 'offset' || from.kind === 'timestamp') {
        this.firstSeeks = offsets;
      } else {
        // A named group reads from its committed offsets; earliest or latest only where it has none.
        const committed = (await this.admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
        const uncommitted = new Set(committed.filter((c) => Number(c.offset) < 0).map((c) => c.partition));
        this.firstSeeks = new Map([...offsets].filter(([p]) => uncommitted.has(p) || !committed.some((c) => c.partition === p)));
      }
      for (const [partition, offset] of this.options.resume ?? []) {
        this.firstSeeks.set(partition, offset);
      }
      if (from.kind === 'offset' && from.partition !== undefined) {
        this.firstSeeks = new Map([...this.firstSeeks].filter(([p]) => p === from.partition));
      }
      const joined = new Promise<void>((resolve, reject) => (this.startWaiter = { resolve, reject }));
      await this.connectConsumer();
      await joined;
    } catch (error) {
      this.startWaiter = undefined;
      const failure = error instanceof ConsumeError || error instanceof ValidationError ? error : new ConsumeError(await this.classify(error));
      await this.stop().catch(() => undefined);
      this.stateValue = 'failed';
      throw failure;
    }
  }

  /**
   * Leaves the group and disconnects; an ephemeral group is then deleted. Resolves with whether the group
   * was deleted (undefined for a named group, which is kept). Safe to call more than once.
   */
  stop(): Promise<boolean | undefined> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<boolean | undefined> {
    if (this.stateValue !== 'failed') {
      this.stateValue = 'stopped';
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.startWaiter?.reject(new ConsumeError({ cause: 'other', detail: 'stopped before the consumer joined its group' }));
    this.startWaiter = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      await bounded(consumer.disconnect());
    }
    let deleted: boolean | undefined;
    if (this.options.ephemeral && this.admin && this.joinedOnce) {
      // CKafka may refuse DeleteGroups; the empty group then expires on its own.
      deleted = await bounded(this.admin.deleteGroups([this.options.groupId]).then(() => true)).then((ok) => ok === true);
    }
    const admin = this.admin;
    this.admin = undefined;
    await bounded(admin?.disconnect() ?? Promise.resolve());
    return deleted;
  }

  private async connectConsumer(): Promise<void> {
    const { topic, groupId, ephemeral, from, fetch } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      // Small fetches: a fetch's records are decoded all at once, so they stay within the young generation.
      maxBytesPerPartition: fetch?.maxBytesPerPartition ?? 128 * 1024,
      maxBytes: fetch?.maxBytes ?? 512 * 1024,
      maxWaitTimeInMs: fetch?.maxWaitTimeInMs ?? 500,
      // After a lost connection the new member waits for the old one to expire: keep that short.
      sessionTimeout: 10_000,
      heartbeatInterval: 3000,
      // Reconnecting is done here, with a new consumer, so that every failure is seen and reported.
      retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 2000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (this.consumer === consumer) {
        this.joined(consumer, event.payload.memberAssignment[topic] ?? []);
      }
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.consumer === consumer) {
        void this.crashed(event.payload.error);
      }
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: from.kind === 'earliest' });
      await consumer.run({
        autoCommit: !ephemeral,
        // Offsets are resolved here, so that a named group never commits past a batch it could not decode.
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          if (this.consumer !== consumer) {
            return;
          }
          const partition = batch.partition;
          const last = batch.messages[batch.messages.length - 1];
          if (from.kind === 'offset' && from.partition !== undefined && partition !== from.partition) {
            return;
          }
          const next = this.next.get(partition);
          let records: readonly ConsumedRecord[] = batch.messages;
          if (next !== undefined && records.length > 0 && Number(records[0].offset) < next) {
            records = records.filter((r) => Number(r.offset) >= next);
          }
          const bad = records.findIndex((r) => undecodable(r.value) !== undefined);
          const shown = bad < 0 ? records : records.slice(0, bad);
          if (shown.length > 0) {
            this.next.set(partition, Number(shown[shown.length - 1].offset) + 1);
            await this.options.onBatch({ topic, partition, records: shown });
          }
          if (bad < 0) {
            resolveOffset(last.offset);
            return;
          }
          if (shown.length > 0) {
            resolveOffset(shown[shown.length - 1].offset);
          }
          this.hold(consumer, partition, undecodable(records[bad].value) as Undecodable);
        },
      });
    } catch (error) {
      if (this.consumer === consumer) {
        await this.crashed(error);
      }
    }
  }

  private joined(consumer: Consumer, partitions: number[]): void {
    const { topic, ephemeral, from } = this.options;
    const reconnected = this.joinedOnce;
    for (const partition of partitions) {
      // After a reconnect an ephemeral group, which commits nothing, goes on after the last record handed over.
      const offset =
        this.skippedTo.get(partition) ??
        (ephemeral ? (this.next.get(partition) ?? this.firstSeeks.get(partition)) : reconnected ? undefined : this.firstSeeks.get(partition));
      this.skippedTo.delete(partition);
      if (offset !== undefined) {
        consumer.seek({ topic, partition, offset: String(offset) });
        if (!this.next.has(partition)) {
          this.next.set(partition, offset);
        }
      }
    }
    const held = partitions.filter((p) => this.held.has(p));
    if (held.length > 0) {
      consumer.pause([{ topic, partitions: held }]);
    }
    if (from.kind === 'offset' && from.partition !== undefined) {
      const others = partitions.filter((p) => p !== from.partition);
      if (others.length > 0) {
        consumer.pause([{ topic, partitions: others }]);
      }
    }
    this.joinedOnce = true;
    this.attempt = 0;
    this.stateValue = 'running';
    this.options.onEvent?.({ type: 'joined', partitions: [...partitions].sort((a, b) => a - b), reconnected });
    this.startWaiter?.resolve();
    this.startWaiter = undefined;
  }

  /** Stops reading a partition at a batch that could not be decoded, and reports it the first time. */
  private hold(consumer: Consumer, partition: number, batch: Undecodable): void {
    const { topic } = this.options;
    consumer.pause([{ topic, partitions: [partition] }]);
    consumer.seek({ topic, partition, offset: batch.firstOffset });
    this.next.set(partition, Number(batch.firstOffset));
    if (this.held.get(partition)?.firstOffset !== batch.firstOffset) {
      this.held.set(partition, batch);
      this.options.onEvent?.({ type: 'undecodable', partition, batch });
    }
  }

  /** Partitions waiting at a batch that could not be decoded. */
  heldPartitions(): ReadonlyMap<number, Undecodable> {
    return new Map(this.held);
  }

  /**
   * Goes on after the batch a partition is held at; a named group commits the offset after it. Returns the
   * offset reading resumes from, or undefined when the partition is not held.
   */
  skipUndecodable(partition: number): number | undefined {
    const batch = this.held.get(partition);
    if (!batch) {
      return undefined;
    }
    const { topic } = this.options;
    const after = Number(batch.lastOffset) + 1;
    this.held.delete(partition);
    this.next.set(partition, after);
    if (this.consumer && this.stateValue === 'running') {
      this.consumer.seek({ topic, partition, offset: String(after) });
      this.consumer.resume([{ topic, partitions: [partition] }]);
    } else {
      this.skippedTo.set(partition, after);
    }
    return after;
  }

  private async crashed(error: unknown): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await bounded(consumer?.disconnect() ?? Promise.resolve());
    if (this.stopping) {
      return;
    }
    const failure = await this.classify(error);
    if (this.startWaiter) {
      this.startWaiter.reject(new ConsumeError(failure));
      this.startWaiter = undefined;
      return;
    }
    if (this.stopping) {
      return;
    }
    if (FATAL.has(failure.cause)) {
      this.stateValue = 'failed';
      this.options.onEvent?.({ type: 'failed', failure });
      void this.stop();
      return;
    }
    const { initialMs, maxMs } = this.options.reconnect ?? { initialMs: 1000, maxMs: 30_000 };
    const retryInMs = Math.min(maxMs, initialMs * 2 ** this.attempt);
    this.attempt++;
    this.stateValue = 'reconnecting';
    this.options.onEvent?.({ type: 'connectionLost', failure, retryInMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopping) {
        void this.connectConsumer();
      }
    }, retryInMs);
  }

  /** Classifies a failure; a vague coordinator error is checked for a refused group. */
  private classify(error: unknown): Promise<Failure> {
    return classifyGroupFailure(this.config, this.options.groupId, error);
  }
}

/** Waits for a clean-up step at most STOP_TIMEOUT_MS; its failure is not an error of the caller. */
async function bounded<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STOP_TIMEOUT_MS)));
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ClientTimeouts, ClusterSettings } from './cluster';
import type { Undecodable } from './codecs';
import type { ConsumerEvent, ConsumerState } from './consume';
import { ConsumeError } from './consume';
import type { FormatOptions } from './format';
import type { Delivery } from './lineQueue';
import type { StartPosition } from './position';
import { ValidationError, ValidationReason } from './validation';

/**
 * Consumers run in a worker thread of their own, the consumer thread: fetching, decoding and formatting
 * records make a lot of short-lived garbage, and in the extension host, which every extension shares, the
 * garbage collector then keeps far more memory than the records need. The worker's heap is bounded; only
 * the lines to show come back.
 */

/** Everything the consumer thread needs to run one consumer; plain data, since it is posted to the thread. */
export interface ConsumerSpec {
  cluster: ClusterSettings;
  password: string | undefined;
  timeouts: ClientTimeouts;
  topic: string;
  groupId: string;
  ephemeral: boolean;
  from: StartPosition;
  /** Where `from` was resolved to beforehand, per partition, as pairs (see ConsumeOptions.startAt); only on a first start. */
  startAt?: [number, number][];
  /** Where to go on, per partition, overriding `from` (see ConsumeOptions.resume). */
  resume?: [number, number][];
  format: FormatOptions;
  maxLines: number;
  maxBytes: number;
}

/** An error thrown in the consumer thread, as it crosses to this one. */
export type ThreadError = { kind: 'consume'; failure: ConsumeError['failure'] } | { kind: 'validation'; reason: ValidationReason; value: string } | { kind: 'other'; message: string };

export type ToConsumerThread =
  | { type: 'start'; id: number; spec: ConsumerSpec }
  | { type: 'stop'; id: number }
  | { type: 'skip'; id: number; partition: number }
  | { type: 'positions'; id: number }
  | { type: 'settings'; id: number; format: FormatOptions; maxLines: number; maxBytes: number };

export type FromConsumerThread =
  | { type: 'lines'; id: number; delivery: Delivery; received: number }
  | { type: 'received'; id: number; received: number }
  | { type: 'event'; id: number; event: ConsumerEvent; state: ConsumerState }
  | { type: 'started'; id: number; state: ConsumerState }
  | { type: 'startFailed'; id: number; error: ThreadError }
  | { type: 'positions'; id: number; positions: [number, number][] }
  | { type: 'stopped'; id: number; deleted: boolean | undefined; received: number; positions: [number, number][]; state: ConsumerState }
  /** For the log channel: an error the thread caught and survived. */
  | { type: 'log'; id: 0; text: string };

/** The bounds of the consumer thread's heap: a small young generation, and room for a few busy consumers. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 };

/** The script the consumer thread runs: beside this module, in out/ as in the bundle's dist/. */
const WORKER_SCRIPT = path.join(__dirname, 'consumerWorker.js');

/** How long a thread started ahead of its first consumer (see `warm`) waits for one before it ends. */
const WARM_MS = 60_000;

/**
 * The worker thread that runs every consumer, started with the first one (or ahead of it, see `warm`) and
 * ended with the last. When it dies (out of memory, say), each of its consumers fails with the reason.
 */
export class ConsumerThread {
  private worker: Worker | undefined;
  private readonly consumers = new Map<number, ThreadedConsumer>();
  private nextId = 1;
  private warmTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Where the thread's own errors go (the CKafka log channel). */
    private readonly log: (text: string) => void = () => undefined,
    /** How long a warmed thread waits for its first consumer. */
    private readonly warmMs = WARM_MS,
  ) {}

  /**
   * Starts the thread ahead of a consumer that is about to come, such as while the user answers Start
   * Consumer's prompts: starting the thread and loading kafkajs in it take about 80 ms, which the first
   * record then does not wait for. Ends it again when no consumer came within `warmMs`. The thread never
   * keeps the process alive while it has no consumer.
   */
  warm(): void {
    if (this.consumers.size > 0) {
      return;
    }
    const worker = this.start();
    worker.unref();
    clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => {
      if (this.consumers.size === 0) {
        this.end();
      }
    }, this.warmMs);
    this.warmTimer.unref();
  }

  /** Registers a consumer and returns its id; starts the thread if need be. */
  attach(consumer: ThreadedConsumer): number {
    const id = this.nextId++;
    this.consumers.set(id, consumer);
    clearTimeout(this.warmTimer);
    this.start().ref();
    return id;
  }

  /** Forgets a consumer; the thread ends with its last one. */
  detach(id: number): void {
    this.consumers.delete(id);
    if (this.consumers.size === 0) {
      this.end();
    }
  }

  private start(): Worker {
    if (!this.worker) {
      const worker = new Worker(WORKER_SCRIPT, { resourceLimits: RESOURCE_LIMITS });
      worker.on('message', (message: FromConsumerThread) => (message.type === 'log' ? this.log(message.text) : this.consumers.get(message.id)?.onMessage(message)));
      worker.on('error', (error) => this.died(worker, error.message));
      worker.on('exit', (code) => this.died(worker, `the consumer thread exited with code ${code}`));
      this.worker = worker;
    }
    return this.worker;
  }

  private end(): void {
    clearTimeout(this.warmTimer);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }

  post(message: ToConsumerThread): void {
    this.worker?.postMessage(message);
  }

  private died(worker: Worker, reason: string): void {
    if (this.worker !== worker) {
      return; // ended on purpose
    }
    this.worker = undefined;
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    consumers.forEach((c) => c.threadDied(reason));
  }
}

export interface ThreadedConsumerHandlers {
  /** Lines to show, in order. */
  lines(delivery: Delivery): void;
  /** What happened to the consumer, after the lines that came before it. */
  event(event: ConsumerEvent): void;
}

function threadError(error: ThreadError): Error {
  switch (error.kind) {
    case 'consume':
      return new ConsumeError(error.failure);
    case 'validation':
      return new ValidationError(error.reason, error.value);
    default:
      return new ConsumeError({ cause: 'other', detail: error.message });
  }
}

/**
 * A ConsumerSession (with its RecordPrinter and LineQueue) running in the consumer thread, seen from this
 * one: the same life cycle, and the lines to show handed to `handlers`.
 */
export class ThreadedConsumer {
  private readonly id: number;
  private stateValue: ConsumerState = 'starting';
  private receivedCount = 0;
  private readonly held = new Map<number, Undecodable>();
  private starting: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private positionWaiters: ((positions: ReadonlyMap<number, number>) => void)[] = [];
  private stopping: Promise<boolean | undefined> | undefined;
  private stopWaiter: ((deleted: boolean | undefined) => void) | undefined;
  private gone = false;
  /** Where the consumer stopped, per partition. */
  private finalPositions = new Map<number, number>();

  constructor(
    private readonly thread: ConsumerThread,
    private readonly spec: ConsumerSpec,
    private readonly handlers: ThreadedConsumerHandlers,
  ) {
    this.id = thread.attach(this);
  }

  get state(): ConsumerState {
    return this.stateValue;
  }

  /** Records received so far (counted in the thread, updated here several times a second). */
  get received(): number {
    return this.receivedCount;
  }

  /** Resolves once the consumer has joined its group; rejects like ConsumerSession.start, and then it is stopped. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.starting = { resolve, reject };
      this.thread.post({ type: 'start', id: this.id, spec: this.spec });
    });
  }

  /** Stops the consumer once every line it read was handed over; resolves like ConsumerSession.stop. */
  stop(): Promise<boolean | undefined> {
    this.stopping ??= this.gone
      ? Promise.resolve(undefined)
      : new Promise((resolve) => {
          this.stopWaiter = resolve;
          this.thread.post({ type: 'stop', id: this.id });
        });
    return this.stopping;
  }

  /**
   * The next offset to hand over on each partition, once the lines before it were handed over; after
   * `stop`, where the consumer stopped.
   */
  positions(): Promise<ReadonlyMap<number, number>> {
    if (this.gone) {
      return Promise.resolve(new Map(this.finalPositions));
    }
    return new Promise((resolve) => {
      this.positionWaiters.push(resolve);
      this.thread.post({ type: 'positions', id: this.id });
    });
  }

  /** Partitions waiting at a batch that could not be decoded. */
  heldPartitions(): ReadonlyMap<number, Undecodable> {
    return new Map(this.held);
  }

  /** Goes on after the batch a partition waits at; returns the offset reading resumes from, or undefined. */
  skipUndecodable(partition: number): number | undefined {
    const batch = this.held.get(partition);
    if (!batch) {
      return undefined;
    }
    this.held.delete(partition);
    this.thread.post({ type: 'skip', id: this.id, partition });
    return Number(batch.lastOffset) + 1;
  }

  applySettings(format: FormatOptions, maxLines: number, maxBytes: number): void {
    this.thread.post({ type: 'settings', id: this.id, format, maxLines, maxBytes });
  }

  /** Called by the thread with each message for this consumer. */
  onMessage(message: Exclude<FromConsumerThread, { type: 'log' }>): void {
    switch (message.type) {
      case 'lines':
        this.receivedCount = message.received;
        this.handlers.lines(message.delivery);
        break;
      case 'received':
        this.receivedCount = message.received;
        break;
      case 'event':
        this.stateValue = message.state;
        if (message.event.type === 'undecodable') {
          this.held.set(message.event.partition, message.event.batch);
        }
        this.handlers.event(message.event);
        break;
      case 'started':
        this.stateValue = message.state;
        this.starting?.resolve();
        this.starting = undefined;
        break;
      case 'startFailed':
        this.stateValue = 'failed';
        this.starting?.reject(threadError(message.error));
        this.starting = undefined;
        this.finish(undefined);
        break;
      case 'positions': {
        const waiters = this.positionWaiters;
        this.positionWaiters = [];
        waiters.forEach((resolve) => resolve(new Map(message.positions)));
        break;
      }
      case 'stopped':
        this.stateValue = message.state;
        this.receivedCount = message.received;
        this.finalPositions = new Map(message.positions);
        this.finish(message.deleted);
        break;
    }
  }

  /** The thread died: the consumer has failed (or fails to start) with the reason. */
  threadDied(reason: string): void {
    const failure = { cause: 'thread' as const, detail: reason };
    const wasRunning = !this.starting && !this.stopWaiter && this.stateValue !== 'stopped' && this.stateValue !== 'failed';
    this.stateValue = 'failed';
    this.starting?.reject(new ConsumeError(failure));
    this.starting = undefined;
    this.finish(undefined);
    if (wasRunning) {
      this.handlers.event({ type: 'failed', failure });
    }
  }

  private finish(deleted: boolean | undefined): void {
    this.gone = true;
    this.thread.detach(this.id);
    this.stopWaiter?.(deleted);
    this.stopWaiter = undefined;
    const waiters = this.positionWaiters;
    this.positionWaiters = [];
    waiters.forEach((resolve) => resolve(new Map(this.finalPositions)));
  }
}

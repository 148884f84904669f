import { parentPort } from 'worker_threads';
import { kafkaConfig } from './cluster';
import { ConsumeError, ConsumerSession } from './consume';
import type { ConsumerSpec, FromConsumerThread, ThreadError, ToConsumerThread } from './consumerThread';
import { kafkajs } from './lib';
import { LineQueue } from './lineQueue';
import { RecordPrinter } from './printer';
import { ValidationError } from './validation';

/**
 * The consumer thread (see consumerThread.ts): runs the consumers it is asked to start, each as a
 * ConsumerSession whose records a RecordPrinter formats into a LineQueue, and posts back the lines to
 * show, what happens to each consumer, and how many records each has received.
 */

/** How often a consumer's received count is posted when it changed between deliveries. */
const RECEIVED_INTERVAL_MS = 50;

interface Running {
  session: ConsumerSession;
  printer: RecordPrinter;
  queue: LineQueue;
  postedReceived: number;
}

function errorOf(error: unknown): ThreadError {
  if (error instanceof ConsumeError) {
    return { kind: 'consume', failure: error.failure };
  }
  if (error instanceof ValidationError) {
    return { kind: 'validation', reason: error.reason, value: error.value };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

class ConsumerHost {
  private readonly consumers = new Map<number, Running>();

  constructor(private readonly post: (message: FromConsumerThread) => void) {
    setInterval(() => this.postCounts(), RECEIVED_INTERVAL_MS);
  }

  handle(message: ToConsumerThread): void {
    const running = this.consumers.get(message.id);
    switch (message.type) {
      case 'start':
        void this.start(message.id, message.spec);
        break;
      case 'stop':
        void this.stop(message.id);
        break;
      case 'skip':
        running?.session.skipUndecodable(message.partition);
        break;
      case 'positions':
        running?.queue.flush();
        this.post({ type: 'positions', id: message.id, positions: [...(running?.session.positions() ?? [])] });
        break;
      case 'settings':
        running?.printer.setFormat(message.format);
        running?.queue.setLimits({ maxLines: message.maxLines, maxBytes: message.maxBytes });
        break;
    }
  }

  private async start(id: number, spec: ConsumerSpec): Promise<void> {
    const queue = new LineQueue((delivery) => this.post({ type: 'lines', id, delivery, received: printer.received }), { maxLines: spec.maxLines, maxBytes: spec.maxBytes });
    const printer = new RecordPrinter(queue, spec.format);
    let session: ConsumerSession;
    try {
      session = new ConsumerSession(kafkaConfig(spec.cluster, spec.password, spec.timeouts), {
        topic: spec.topic,
        groupId: spec.groupId,
        ephemeral: spec.ephemeral,
        from: spec.from,
        startAt: spec.startAt ? new Map(spec.startAt) : undefined,
        resume: spec.resume ? new Map(spec.resume) : undefined,
        onBatch: printer.onBatch,
        onEvent: (event) => {
          // The lines read before the event come first.
          queue.flush();
          this.post({ type: 'event', id, event, state: session.state });
        },
      });
    } catch (error) {
      this.post({ type: 'startFailed', id, error: errorOf(error) });
      return;
    }
    const running: Running = { session, printer, queue, postedReceived: 0 };
    this.consumers.set(id, running);
    try {
      await session.start();
      this.post({ type: 'started', id, state: session.state });
    } catch (error) {
      this.consumers.delete(id);
      queue.close();
      this.post({ type: 'startFailed', id, error: errorOf(error) });
    }
  }

  private async stop(id: number): Promise<void> {
    const running = this.consumers.get(id);
    if (!running) {
      this.post({ type: 'stopped', id, deleted: undefined, received: 0, positions: [], state: 'stopped' });
      return;
    }
    const deleted = await running.session.stop();
    running.queue.close();
    this.consumers.delete(id);
    const { session, printer } = running;
    this.post({ type: 'stopped', id, deleted, received: printer.received, positions: [...session.positions()], state: session.state });
  }

  private postCounts(): void {
    for (const [id, running] of this.consumers) {
      const received = running.printer.received;
      if (received !== running.postedReceived) {
        running.postedReceived = received;
        this.post({ type: 'received', id, received });
      }
    }
  }
}

if (parentPort) {
  const port = parentPort;
  const host = new ConsumerHost((message) => port.postMessage(message));
  port.on('message', (message: ToConsumerThread) => host.handle(message));
  // As in the extension host, a stray error is logged; it does not end every consumer.
  const log = (what: string, error: unknown) => port.postMessage({ type: 'log', id: 0, text: `consumer thread: ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` } satisfies FromConsumerThread);
  process.on('unhandledRejection', (reason) => log('unhandled rejection', reason));
  process.on('uncaughtException', (error) => log('uncaught exception', error));
  // The thread exists for consumers, which all need kafkajs: loading it now, while no consumer waits (see
  // ConsumerThread.warm), spares the first one the time.
  setImmediate(() => kafkajs());
}

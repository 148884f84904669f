import type { Kafka, Producer, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { kafkaErrorType } from '../errors';

/**
 * `ckafka.produce.idempotent`:
 * - `auto`: an idempotent producer where the cluster allows one; where it refuses InitProducerId, acks=all
 *   without idempotence, said once;
 * - `always`: an idempotent producer or nothing;
 * - `never`: acks=all without idempotence.
 */
export type Idempotence = 'auto' | 'always' | 'never';
export const IDEMPOTENCE: readonly Idempotence[] = ['auto', 'always', 'never'];

/** InitProducerId answers that mean "not on this cluster": no IdempotentWrite ACL, or a broker too old. */
const REFUSED = new Set(['CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION']);
/** After one of these the broker refuses every later batch of that producer id: only a new producer helps. */
const FATAL_SEQUENCE = new Set(['UNKNOWN_PRODUCER_ID', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH']);

/** The Kafka error with which the cluster refused an idempotent producer, or undefined for any other failure. */
export function idempotenceRefusal(error: unknown): string | undefined {
  const type = kafkaErrorType(error);
  if (type !== undefined && REFUSED.has(type)) {
    return type;
  }
  // kafkajs's own error when the broker lists no InitProducerId at all.
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'KafkaJSServerDoesNotSupportApiKey' ? 'UNSUPPORTED_VERSION' : undefined;
}

/** With `always`: the cluster refused the idempotent producer, and nothing was sent. */
export class IdempotenceRefusedError extends Error {
  constructor(
    readonly refusal: string,
    readonly cause: unknown,
  ) {
    super(`InitProducerId was refused (${refusal}): this cluster does not allow an idempotent producer`);
    this.name = 'IdempotenceRefusedError';
  }
}

/** Every send waits for all in-sync replicas (sendRecords asks acks=-1) and never creates a topic. */
export function producerConfig(idempotent: boolean): ProducerConfig {
  return {
    allowAutoTopicCreation: false,
    idempotent,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 },
  };
}

/** What a send goes through: a kafkajs producer, or a ClusterProducer. */
export type BatchSender = Pick<Producer, 'sendBatch'>;

/** The producer in use, and the sends still going through it. */
interface Live {
  producer: Producer;
  idempotent: boolean;
  inFlight: number;
  retired: boolean;
}

/** How sends go out now. */
export interface ProducerMode {
  idempotent: boolean;
  /** Set once `auto` fell back: the error InitProducerId was refused with. */
  refusal?: string;
}

/**
 * The producer of one cluster, shared by every send to it. It owns one kafkajs producer at a time and
 * replaces it when needed:
 * - in `auto`, when the cluster refuses InitProducerId, by one without idempotence (kept for the life of this
 *   object; {@link takeFallbackNotice} says so once);
 * - after a fatal sequence error (UNKNOWN_PRODUCER_ID, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH),
 *   by a new producer with a new producer id, so that the next send goes through. The batch that failed
 *   is reported failed, never sent again by itself;
 * - when the idempotence setting changes.
 * A replaced producer is disconnected once the sends going through it are done.
 */
export class ClusterProducer implements BatchSender {
  private idempotence: Idempotence = 'auto';
  /** The producer in use, or being connected. */
  private pending: Promise<Live> | undefined;
  private refusal: string | undefined;
  private noticeDue = false;

  constructor(private readonly kafka: Pick<Kafka, 'producer'>) {}

  /** Connects the producer of the current mode (`auto` until {@link use} says otherwise). */
  async connect(): Promise<void> {
    await this.current();
  }

  /** Switches to a mode (replacing the producer when it differs) and connects; says how sends go out. */
  async use(idempotence: Idempotence): Promise<ProducerMode> {
    if (idempotence !== this.idempotence) {
      this.idempotence = idempotence;
      void this.pending?.then((live) => this.retire(live), () => undefined);
      this.pending = undefined;
    }
    const live = await this.current();
    return { idempotent: live.idempotent, ...(this.refusal === undefined ? {} : { refusal: this.refusal }) };
  }

  /** The error `auto` fell back on, the first time this is asked after the fallback; undefined otherwise. */
  takeFallbackNotice(): string | undefined {
    if (!this.noticeDue) {
      return undefined;
    }
    this.noticeDue = false;
    return this.refusal;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const live = await this.current();
    live.inFlight++;
    try {
      return await live.producer.sendBatch(batch);
    } catch (error) {
      const type = kafkaErrorType(error);
      if (live.idempotent && type !== undefined && FATAL_SEQUENCE.has(type)) {
        live.retired = true;
      }
      throw error;
    } finally {
      live.inFlight--;
      if (live.retired && live.inFlight === 0) {
        void live.producer.disconnect().catch(() => undefined);
      }
    }
  }

  /** Disconnects; a later send connects again. */
  async disconnect(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    const live = await pending?.catch(() => undefined);
    if (live) {
      live.retired = true;
      await live.producer.disconnect().catch(() => undefined);
    }
  }

  /** The producer to send with: the one in use unless it was retired, else a new one (one for every caller waiting). */
  private async current(): Promise<Live> {
    for (;;) {
      if (!this.pending) {
        const opening = this.open(this.idempotence);
        this.pending = opening;
        opening.catch(() => {
          if (this.pending === opening) {
            this.pending = undefined;
          }
        });
      }
      const pending = this.pending;
      const live = await pending;
      if (!live.retired) {
        return live;
      }
      if (this.pending === pending) {
        this.pending = undefined;
      }
    }
  }

  /** Takes a producer out of use; it is disconnected once its last send is done. */
  private retire(live: Live): void {
    live.retired = true;
    if (live.inFlight === 0) {
      void live.producer.disconnect().catch(() => undefined);
    }
  }

  private async open(idempotence: Idempotence): Promise<Live> {
    if (idempotence === 'always' || (idempotence === 'auto' && this.refusal === undefined)) {
      try {
        return await this.start(true);
      } catch (error) {
        const refusal = idempotenceRefusal(error);
        if (refusal === undefined) {
          throw error;
        }
        if (idempotence === 'always') {
          throw new IdempotenceRefusedError(refusal, error);
        }
        this.refusal = refusal;
        this.noticeDue = true;
      }
    }
    return this.start(false);
  }

  private async start(idempotent: boolean): Promise<Live> {
    const producer = this.kafka.producer(producerConfig(idempotent));
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return { producer, idempotent, inFlight: 0, retired: false };
  }
}

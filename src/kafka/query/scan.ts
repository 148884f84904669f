import { kafkaConfig } from '../cluster';
import { classifyError, kafkaErrorType } from '../errors';
import { compileFilter, parseFilter, RecordPredicate } from './filter';
import { KafkaCluster, openCluster } from './cluster';
import { fetchPartitions, PartitionAnswer, PartitionRequest, RecordReader, ScanRecord } from './fetch';
import { planPartition, PartitionOffsets } from './plan';
import { packRecords, QueryRecord } from './records';
import { PartitionProgress, QueryBudget, QueryConnection, QueryFailure, QueryProgress, QuerySpec, QuerySummary, resolveBudget, SkippedBatch, StopReason } from './spec';

/** What the scan reports, in this order: plan, then progress and records, then done (always, once). */
export type ScanEvent =
  | { type: 'plan'; partitions: PartitionProgress[] }
  | { type: 'progress'; progress: QueryProgress }
  | { type: 'records'; records: QueryRecord[] }
  | { type: 'done'; summary: QuerySummary };

/** Hands an event on; `transfer` lists the buffers that can move rather than be copied. */
export type Emit = (event: ScanEvent, transfer?: ArrayBuffer[]) => void;

/** Bytes asked for in one Fetch, over all partitions of one broker, and at most per partition. */
const FETCH_MAX_BYTES = 4 * 1024 * 1024;
const PARTITION_MAX_BYTES = 1024 * 1024;
const PARTITION_MIN_BYTES = 64 * 1024;
/** How long a broker may hold a Fetch when it has nothing yet (only at gaps in a range). */
const FETCH_MAX_WAIT_MS = 200;
const MAX_RETRIES = 5;
/** Fetches in a row that bring a partition nothing although its log goes on: then it is reported stuck. */
const MAX_EMPTY_FETCHES = 50;
const PROGRESS_EVERY_MS = 100;
const FLUSH_EVERY_MS = 100;
const FLUSH_RECORDS = 1000;
const FLUSH_BYTES = 4 * 1024 * 1024;
/** Records between two looks at the clock while filtering. */
const CLOCK_EVERY = 2048;

class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`stopped: ${reason}`);
  }
}

/** A failure the scan names itself (kafkajs's are classified by classifyError). */
class ScanFailure extends Error {
  constructor(readonly failure: QueryFailure) {
    super(failure.detail);
  }
}

interface PartitionState extends PartitionProgress {
  empties: number;
}


/** One partition's part of a Fetch answer: the records to look at and where the partition goes on. */
interface Chunk {
  state: PartitionState;
  answer: PartitionAnswer;
  next: number;
}

/** Kafka's error names for the codes a Fetch answer may carry, as kafkajs names them (see errors.ts). */
const ERROR_TYPES: Record<number, [type: string, retriable: boolean]> = {
  1: ['OFFSET_OUT_OF_RANGE', true],
  3: ['UNKNOWN_TOPIC_OR_PARTITION', true],
  5: ['LEADER_NOT_AVAILABLE', true],
  6: ['NOT_LEADER_OR_FOLLOWER', true],
  7: ['REQUEST_TIMED_OUT', true],
  13: ['NETWORK_EXCEPTION', true],
  29: ['TOPIC_AUTHORIZATION_FAILED', false],
  56: ['KAFKA_STORAGE_ERROR', true],
  74: ['FENCED_LEADER_EPOCH', true],
  75: ['UNKNOWN_LEADER_EPOCH', true],
};

function brokerError(code: number, partition: number): Error {
  const [type, retriable] = ERROR_TYPES[code] ?? [`ERROR_CODE_${code}`, false];
  return Object.assign(new Error(`partition ${partition}: the broker answered Fetch with ${type}`), { type, retriable });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One query, run to its end: resolves the range into offsets, reads each partition's leader with Fetch
 * (no consumer group; see cluster.ts), filters, keeps what matches within the budget, and reports.
 * Runs in the query worker thread (worker.ts); nothing here may block for long, as a cancel must get through.
 */
export class Scan {
  private readonly budget: QueryBudget;
  private readonly predicate: RecordPredicate;
  private readonly startedAt = Date.now();
  private readonly deadline: number;
  private stopReason: StopReason | undefined;
  /** What each pending `race` does when the scan stops. */
  private readonly onStop = new Set<(stopped: Stopped) => void>();
  private cluster: KafkaCluster | undefined;
  private states: PartitionState[] = [];
  private scanned = 0;
  private matched = 0;
  private kept = 0;
  private readonly skipped = new Map<string, SkippedBatch>();
  private pending: { partition: number; record: ScanRecord }[] = [];
  private pendingBytes = 0;
  private lastFlush = 0;
  private lastProgress = 0;
  private sentFirst = false;

  constructor(
    private readonly spec: QuerySpec,
    private readonly connection: QueryConnection,
    private readonly emit: Emit,
  ) {
    this.budget = resolveBudget(spec.budget);
    this.predicate = compileFilter(parseFilter(spec.filter ?? ''));
    this.deadline = this.startedAt + this.budget.seconds * 1000;
  }

  /** Stops at the next record batch; the scan still ends with its summary. */
  cancel(): void {
    this.stop('cancel');
  }

  private stop(reason: StopReason): void {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      const stopped = new Stopped(reason);
      for (const reject of [...this.onStop]) {
        reject(stopped);
      }
    }
  }

  /**
   * Waits for `promise`, or throws Stopped as soon as the scan is stopped. (Not Promise.race with one
   * long-lived promise: each race would leave a reaction on it holding its result, every Fetch answer.)
   */
  private race<T>(promise: Promise<T>): Promise<T> {
    if (this.stopReason !== undefined) {
      promise.catch(() => undefined);
      return Promise.reject(new Stopped(this.stopReason));
    }
    return new Promise<T>((resolve, reject) => {
      this.onStop.add(reject);
      promise.then(
        (value) => {
          this.onStop.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.onStop.delete(reject);
          reject(error);
        },
      );
    });
  }

  async run(): Promise<QuerySummary> {
    // Timers may fire a little early by the wall clock: the budget ends when Date.now() says so.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const left = this.deadline - Date.now();
      if (left > 0) {
        timer = setTimeout(arm, left);
      } else {
        this.stop('seconds');
      }
    };
    arm();
    let error: QueryFailure | undefined;
    try {
      await this.scan();
    } catch (e) {
      if (!(e instanceof Stopped)) {
        error = e instanceof ScanFailure ? e.failure : classifyError(e);
      }
    } finally {
      clearTimeout(timer);
    }
    this.flush();
    const stopped: StopReason = this.stopReason ?? (error ? 'error' : 'range');
    const summary: QuerySummary = { ...this.progress(), stopped, elapsedMs: Date.now() - this.startedAt, skipped: [...this.skipped.values()] };
    if (stopped === 'error' && error) {
      summary.error = error;
    }
    // The summary goes out first: closing connections (a Fetch may still be out) must not delay it.
    this.emit({ type: 'done', summary });
    const cluster = this.cluster;
    this.cluster = undefined;
    await Promise.race([cluster?.disconnect().catch(() => undefined), sleep(1000)]);
    return summary;
  }

  private progress(): QueryProgress {
    return {
      partitions: this.states.map(({ partition, start, end, next, scanned, matched }) => ({ partition, start, end, next: Math.min(next, end), scanned, matched })),
      scanned: this.scanned,
      matched: this.matched,
      kept: this.kept,
    };
  }

  private async scan(): Promise<void> {
    const { topic } = this.spec;
    const cluster = openCluster(kafkaConfig(this.connection.settings, this.connection.password, this.connection.timeouts));
    this.cluster = cluster;
    await this.race(cluster.connect());
    await this.race(cluster.addTargetTopic(topic));
    const all = cluster
      .findTopicPartitionMetadata(topic)
      .map((p) => p.partitionId)
      .sort((a, b) => a - b);
    const chosen = this.spec.partitions ?? all;
    const missing = chosen.filter((p) => !all.includes(p));
    if (missing.length > 0) {
      throw new ScanFailure({ cause: 'unknownPartition', detail: `${topic} has no partition ${missing.join(', ')} (it has ${all.length})` });
    }
    const offsets = await this.race(this.lookUpOffsets(cluster, chosen));
    this.states = offsets.map((o) => {
      const { start, end } = planPartition(this.spec.range, o);
      return { partition: o.partition, start, end, next: start, scanned: 0, matched: 0, empties: 0 };
    });
    this.emit({ type: 'plan', partitions: this.progress().partitions });
    await this.fetchAll(cluster);
  }

  /** Log start and end of each partition, and for a time range the offsets at both of its ends. */
  private async lookUpOffsets(cluster: KafkaCluster, partitions: number[]): Promise<PartitionOffsets[]> {
    const { topic, range } = this.spec;
    const lookup = async (at: { fromBeginning?: boolean; fromTimestamp?: number }) => {
      const [answer] = await cluster.fetchTopicsOffset([{ topic, partitions: partitions.map((partition) => ({ partition })), ...at }]);
      return new Map((answer?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    };
    const [low, high, atFrom, afterTo] = await Promise.all([
      lookup({ fromBeginning: true }),
      lookup({ fromBeginning: false }),
      range.kind === 'time' ? lookup({ fromTimestamp: range.from }) : undefined,
      range.kind === 'time' && range.to !== undefined ? lookup({ fromTimestamp: range.to + 1 }) : undefined,
    ]);
    return partitions.map((partition) => ({
      partition,
      low: low.get(partition) ?? 0,
      high: high.get(partition) ?? 0,
      atFrom: atFrom?.get(partition),
      afterTo: afterTo?.get(partition),
    }));
  }

  /**
   * Fetches rounds until every partition is done: one Fetch per leader per round. The next round is asked
   * for before this one is filtered, so the brokers send while the worker filters.
   */
  private async fetchAll(cluster: KafkaCluster): Promise<void> {
    let ahead: Promise<PartitionAnswer[]> | undefined;
    let attempt = 0;
    for (;;) {
      const active = this.states.filter((s) => s.next < s.end);
      if (active.length === 0 || this.stopReason !== undefined) {
        return;
      }
      if (this.scanned >= this.budget.records) {
        this.stop('records');
        return;
      }
      try {
        const answer = await this.race(ahead ?? this.fetchRound(cluster, new Map(active.map((s) => [s.partition, s.next]))));
        ahead = undefined;
        const chunks = this.chunksOf(answer);
        const nextOffsets = new Map(this.states.filter((s) => s.next < s.end).map((s) => [s.partition, s.next]));
        for (const c of chunks) {
          nextOffsets.set(c.state.partition, c.next);
        }
        const stillActive = [...nextOffsets].filter(([p, next]) => next < (this.stateOf(p)?.end ?? 0));
        if (stillActive.length > 0) {
          ahead = this.fetchRound(cluster, new Map(stillActive));
          ahead.catch(() => undefined);
        }
        this.process(chunks);
        attempt = 0;
      } catch (error) {
        ahead = undefined;
        if (error instanceof Stopped || error instanceof ScanFailure || ++attempt > MAX_RETRIES) {
          throw error;
        }
        await this.recover(cluster, error, attempt);
      }
    }
  }

  private stateOf(partition: number): PartitionState | undefined {
    return this.states.find((s) => s.partition === partition);
  }

  /** After a failed round: waits, then refreshes what the failure says is stale; rethrows what retrying cannot fix. */
  private async recover(cluster: KafkaCluster, error: unknown, attempt: number): Promise<void> {
    const name = (error as { name?: string }).name;
    const outOfRange = name === 'KafkaJSOffsetOutOfRange' || kafkaErrorType(error) === 'OFFSET_OUT_OF_RANGE';
    const retriable = (error as { retriable?: boolean }).retriable === true || /Connection|Timeout|BrokerNotFound|NotLeader/i.test(name ?? '') || outOfRange;
    const type = kafkaErrorType(error);
    if (!retriable || type === 'TOPIC_AUTHORIZATION_FAILED' || type === 'UNKNOWN_TOPIC_OR_PARTITION') {
      throw error;
    }
    await this.race(sleep(Math.min(2000, 100 * 2 ** attempt)));
    await this.race(cluster.refreshMetadata().catch(() => undefined));
    if (outOfRange) {
      // Retention removed the start of a range while it was read: go on from the new log start.
      const active = this.states.filter((s) => s.next < s.end).map((s) => s.partition);
      const [answer] = await this.race(cluster.fetchTopicsOffset([{ topic: this.spec.topic, partitions: active.map((partition) => ({ partition })), fromBeginning: true }]));
      for (const { partition, offset } of answer?.partitions ?? []) {
        const state = this.stateOf(partition);
        if (state && state.next < Number(offset)) {
          state.next = Math.min(Number(offset), state.end);
        }
      }
    }
  }

  /** One Fetch to each leader of the partitions asked for, from the offsets given. */
  private async fetchRound(cluster: KafkaCluster, from: Map<number, number>): Promise<PartitionAnswer[]> {
    const { topic } = this.spec;
    const leaders = new Map<number, PartitionRequest[]>();
    for (const meta of cluster.findTopicPartitionMetadata(topic)) {
      const offset = from.get(meta.partitionId);
      if (offset !== undefined) {
        if (meta.leader === undefined || meta.leader === null || meta.leader < 0) {
          throw Object.assign(new Error(`partition ${meta.partitionId} of ${topic} has no leader`), { name: 'KafkaJSNotLeaderError', retriable: true });
        }
        const request = { partition: meta.partitionId, offset, end: this.stateOf(meta.partitionId)?.end ?? offset };
        leaders.set(meta.leader, [...(leaders.get(meta.leader) ?? []), request]);
      }
    }
    const partitionMaxBytes = Math.max(PARTITION_MIN_BYTES, Math.min(PARTITION_MAX_BYTES, Math.floor(FETCH_MAX_BYTES / Math.max(1, from.size))));
    const limits = { maxWaitMs: FETCH_MAX_WAIT_MS, maxBytes: FETCH_MAX_BYTES, partitionMaxBytes };
    const answers = await Promise.all([...leaders].map(async ([nodeId, requests]) => fetchPartitions(await cluster.findBroker({ nodeId }), topic, requests, limits)));
    return answers.flat();
  }

  /** Each partition's records within [next, end), and where it goes on after this answer. */
  private chunksOf(answer: PartitionAnswer[]): Chunk[] {
    const failed = answer.find((a) => a.errorCode !== 0);
    if (failed) {
      throw brokerError(failed.errorCode, failed.partition);
    }
    const chunks: Chunk[] = [];
    for (const part of answer) {
      const state = this.stateOf(part.partition);
      if (!state || state.next >= state.end) {
        continue;
      }
      for (const batch of part.skipped) {
        this.skipped.set(`${batch.partition}:${batch.firstOffset}`, batch);
      }
      if (part.empty) {
        if (part.highWatermark >= 0 && part.highWatermark <= state.next) {
          state.end = Math.max(state.start, Math.min(state.end, state.next)); // the log was cut below the range's end
        } else if (++state.empties > MAX_EMPTY_FETCHES) {
          throw new ScanFailure({ cause: 'other', detail: `partition ${part.partition}: the broker sent no records from offset ${state.next} although the log ends at ${part.highWatermark}` });
        }
        continue;
      }
      state.empties = 0;
      chunks.push({ state, answer: part, next: part.next });
    }
    return chunks;
  }

  /** Filters the chunks in order; stops early, exactly where a budget runs out. */
  private process(chunks: Chunk[]): void {
    const range = this.spec.range;
    const timeFrom = range.kind === 'time' ? range.from : -Infinity;
    const timeTo = range.kind === 'time' && range.to !== undefined ? range.to : Infinity;
    const byTime = range.kind === 'time';
    let resultsFull = false;
    for (const { state, answer, next } of chunks) {
      if (this.stopReason !== undefined) {
        break;
      }
      const record = new RecordReader(answer);
      for (let i = 0; record.next(); i++) {
        if ((i & (CLOCK_EVERY - 1)) === CLOCK_EVERY - 1 && Date.now() >= this.deadline) {
          state.next = record.offset;
          this.stop('seconds');
          break;
        }
        if (this.scanned >= this.budget.records) {
          // Said only when there is a record left to read: a budget that ends with the range is no stop.
          state.next = record.offset;
          this.stop('records');
          break;
        }
        this.scanned++;
        state.scanned++;
        if (byTime) {
          const t = record.timestamp;
          if (t < timeFrom || t > timeTo) {
            continue;
          }
        }
        if (this.predicate(record)) {
          this.matched++;
          state.matched++;
          if (this.kept < this.budget.results) {
            this.keep(state.partition, record.snapshot());
            resultsFull = this.kept >= this.budget.results;
          }
        }
      }
      if (this.stopReason === undefined) {
        state.next = next;
      }
      if (resultsFull) {
        // The rest of this chunk was still counted, so `matched` shows whether more records match.
        this.stop('results');
      }
      this.maybeFlush();
    }
    this.maybeProgress();
  }

  private keep(partition: number, record: ScanRecord): void {
    this.kept++;
    this.pending.push({ partition, record });
    this.pendingBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
    if (!this.sentFirst) {
      // The first match goes out at once: it is what someone looking for one record waits for.
      this.sentFirst = true;
      this.flush();
    }
  }

  private maybeFlush(): void {
    if (this.pending.length >= FLUSH_RECORDS || this.pendingBytes >= FLUSH_BYTES || (this.pending.length > 0 && Date.now() - this.lastFlush >= FLUSH_EVERY_MS)) {
      this.flush();
    }
  }

  private flush(): void {
    this.lastFlush = Date.now();
    if (this.pending.length === 0) {
      return;
    }
    const { records, buffer } = packRecords(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit({ type: 'records', records }, [buffer]);
  }

  private maybeProgress(): void {
    const now = Date.now();
    if (now - this.lastProgress >= PROGRESS_EVERY_MS) {
      this.lastProgress = now;
      this.emit({ type: 'progress', progress: this.progress() });
    }
  }
}

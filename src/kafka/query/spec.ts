import type { ClientTimeouts, ClusterSettings } from '../cluster';
import { FailureCause } from '../errors';

/** Which records of each partition a query reads. */
export type QueryRange =
  /**
   * Records with a timestamp from `from` to `to` (epoch milliseconds, both included; `to` left out: up to
   * the newest record). Each end becomes an offset on every partition through ListOffsets by timestamp.
   */
  | { kind: 'time'; from: number; to?: number }
  /**
   * Offsets `from` to `to` (both included; `to` left out: up to the newest record) on every partition read,
   * or per partition in `byPartition`. Offsets outside the log are moved into it.
   */
  | { kind: 'offsets'; from: number; to?: number; byPartition?: Record<number, { from: number; to?: number }> }
  /** The newest `count` records of every partition read. */
  | { kind: 'newest'; count: number };

/** When a scan stops even though its range is not done. */
export interface QueryBudget {
  /** Records read (matching or not). */
  records: number;
  /** Wall-clock seconds from the start, connecting included. */
  seconds: number;
  /** Matching records kept; reaching it ends the scan. */
  results: number;
}

export const DEFAULT_BUDGET: QueryBudget = { records: 1_000_000, seconds: 60, results: 1_000 };
export const MAX_RESULTS = 100_000;
/** Bounds that keep a typo from scanning for a day. */
const MAX_RECORDS = 1_000_000_000;
const MAX_SECONDS = 3600;

export interface QuerySpec {
  topic: string;
  range: QueryRange;
  /** The partitions to read; all of the topic's when left out. */
  partitions?: number[];
  /** A filter in the Message Query language; empty or left out keeps every record of the range. */
  filter?: string;
  budget?: Partial<QueryBudget>;
}

/** Where to read from: the cluster's settings and its password (kept in memory only, never logged). */
export interface QueryConnection {
  settings: ClusterSettings;
  password?: string;
  timeouts?: ClientTimeouts;
}

/** Why a scan ended. */
export type StopReason = 'range' | 'records' | 'seconds' | 'results' | 'cancel' | 'error';

/** A partition's part of the scan: the offsets [start, end) to read, and how far it got. */
export interface PartitionProgress {
  partition: number;
  /** First offset of the range. */
  start: number;
  /** The offset after the range's last one. */
  end: number;
  /** Next offset to read; `end` (or more) once the partition is done. */
  next: number;
  scanned: number;
  matched: number;
}

export interface QueryProgress {
  partitions: PartitionProgress[];
  scanned: number;
  matched: number;
  kept: number;
}

/** A record batch the scan could not decode and went past (corrupt data, unknown compression). */
export interface SkippedBatch {
  partition: number;
  firstOffset: number;
  lastOffset: number;
  compression: string;
  reason: string;
}

export type QueryFailureCause = FailureCause | 'unknownPartition';

export interface QueryFailure {
  cause: QueryFailureCause;
  /** For the log channel; never holds the password. */
  detail: string;
}

/** The completeness line: what was read, what matched and was kept, and why the scan stopped. */
export interface QuerySummary extends QueryProgress {
  stopped: StopReason;
  /** Set when `stopped` is 'error'. */
  error?: QueryFailure;
  elapsedMs: number;
  skipped: SkippedBatch[];
  /** Set when the worker had to be ended because it did not stop in time (a regular expression still running). */
  forced?: boolean;
}

/** Why a query was refused before anything was read: the field at fault and what is wrong with it. */
export class QueryError extends Error {
  constructor(
    readonly field: 'topic' | 'range' | 'partitions' | 'budget.records' | 'budget.seconds' | 'budget.results',
    readonly reason: 'empty' | 'notWholeNumber' | 'outOfBounds' | 'fromAfterTo' | 'duplicate',
    readonly value: string,
  ) {
    super(`${field}: ${reason} (${value})`);
    this.name = 'QueryError';
  }
}

function wholeNumber(field: QueryError['field'], value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new QueryError(field, 'notWholeNumber', String(value));
  }
  if (value < min || value > max) {
    throw new QueryError(field, 'outOfBounds', String(value));
  }
  return value;
}

function checkSpan(from: unknown, to: unknown): void {
  wholeNumber('range', from, 0, Number.MAX_SAFE_INTEGER);
  if (to !== undefined) {
    wholeNumber('range', to, 0, Number.MAX_SAFE_INTEGER);
    if ((to as number) < (from as number)) {
      throw new QueryError('range', 'fromAfterTo', `${from}–${to}`);
    }
  }
}

/** The budget with defaults filled in; throws QueryError for a value out of bounds. */
export function resolveBudget(budget: Partial<QueryBudget> = {}): QueryBudget {
  return {
    records: wholeNumber('budget.records', budget.records ?? DEFAULT_BUDGET.records, 1, MAX_RECORDS),
    seconds: wholeNumber('budget.seconds', budget.seconds ?? DEFAULT_BUDGET.seconds, 1, MAX_SECONDS),
    results: wholeNumber('budget.results', budget.results ?? DEFAULT_BUDGET.results, 1, MAX_RESULTS),
  };
}

/** Checks everything about a query that can be checked without the cluster; throws QueryError. */
export function checkQuery(spec: QuerySpec): void {
  if (typeof spec.topic !== 'string' || spec.topic.trim() === '') {
    throw new QueryError('topic', 'empty', String(spec.topic));
  }
  const range = spec.range;
  switch (range.kind) {
    case 'time':
      checkSpan(range.from, range.to);
      break;
    case 'offsets':
      checkSpan(range.from, range.to);
      for (const [p, span] of Object.entries(range.byPartition ?? {})) {
        wholeNumber('partitions', Number(p), 0, 2 ** 31 - 1);
        checkSpan(span.from, span.to);
      }
      break;
    case 'newest':
      wholeNumber('range', range.count, 1, Number.MAX_SAFE_INTEGER);
      break;
    default:
      throw new QueryError('range', 'empty', JSON.stringify(range));
  }
  if (spec.partitions !== undefined) {
    if (spec.partitions.length === 0) {
      throw new QueryError('partitions', 'empty', '[]');
    }
    const seen = new Set<number>();
    for (const p of spec.partitions) {
      wholeNumber('partitions', p, 0, 2 ** 31 - 1);
      if (seen.has(p)) {
        throw new QueryError('partitions', 'duplicate', String(p));
      }
      seen.add(p);
    }
  }
  resolveBudget(spec.budget);
}

/** What the query worker thread is started with. */
export interface WorkerInput {
  spec: QuerySpec;
  connection: QueryConnection;
}

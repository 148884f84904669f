import { parseOffsetSpec, parseTimestamp } from '../position';
import { ValidationError } from '../validation';

/** Where Reset Group Offsets moves a group's committed offsets, as the CKafka console offers it. */
export type ResetStrategy =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** The first record at or after `timestamp` (epoch milliseconds), per partition. */
  | { kind: 'timestamp'; timestamp: number }
  /** The same offset on every partition in scope. */
  | { kind: 'offset'; offset: number }
  /** An offset per partition (`0:10, 2:30`); the scope is exactly these partitions. */
  | { kind: 'offsets'; offsets: ReadonlyMap<number, number> }
  /** The committed offset moved by `by` records (negative: back). */
  | { kind: 'shift'; by: number };

/** What commands accept: `'earliest'`, `'latest'`, `{ timestamp }`, `{ offset }` (`42` or `0:10,2:30`) or `{ shift }`. */
export type ResetStrategyArg = 'earliest' | 'latest' | { timestamp: string | number } | { offset: string | number } | { shift: string | number };

/** One partition of the topic as it stands before the reset. */
export interface PartitionPosition {
  partition: number;
  /** The group's committed offset; null when it has none. */
  committed: number | null;
  /** Log start offset. */
  start: number;
  /** Log end offset (high watermark). */
  end: number;
}

/**
 * Why a planned offset is not simply what the strategy asked for:
 * - `clampedToStart` / `clampedToEnd`: the wanted offset was outside the log and was moved to its end;
 * - `noRecordAfterTime`: no record at or after the time, so the log end.
 */
export type PlanNote = 'clampedToStart' | 'clampedToEnd' | 'noRecordAfterTime';

export interface PlannedPartition {
  partition: number;
  /** Committed offset now; null when none. */
  current: number | null;
  /** What the strategy pointed at, before clamping. */
  wanted: number;
  /** The offset that will be committed. */
  next: number;
  start: number;
  end: number;
  /** Records the group will have left to read: end − next. */
  lagAfter: number;
  note?: PlanNote;
}

export interface ResetPlan {
  /** The partitions that will be written, sorted. */
  partitions: PlannedPartition[];
  /** Partitions in scope that a shift cannot move, because the group has no committed offset there. */
  uncommitted: number[];
}

export interface PlanInput {
  /** Every partition of the topic. */
  positions: readonly PartitionPosition[];
  strategy: ResetStrategy;
  /** The partitions in scope; all of the topic's when undefined. Ignored by `offsets`, which names its own. */
  partitions?: readonly number[];
  /** For `timestamp`: the first offset at or after the time, per partition (ListOffsets by timestamp). */
  timeOffsets?: ReadonlyMap<number, number>;
}

/**
 * The dry run: each partition's current offset, new offset and lag after. Offsets outside the log are
 * clamped to its ends and marked. Throws a ValidationError for a partition the topic does not have, and
 * when a timestamp lookup is missing a partition. Writes nothing: this is pure arithmetic.
 */
export function planReset(input: PlanInput): ResetPlan {
  const { positions, strategy } = input;
  const byPartition = new Map(positions.map((p) => [p.partition, p]));
  const scope = strategy.kind === 'offsets' ? [...strategy.offsets.keys()] : (input.partitions ?? positions.map((p) => p.partition));
  const partitions: PlannedPartition[] = [];
  const uncommitted: number[] = [];
  for (const id of [...new Set(scope)].sort((a, b) => a - b)) {
    const position = byPartition.get(id);
    if (!position) {
      throw new ValidationError('position.badPartition', String(id));
    }
    const wanted = wantedOffset(position, strategy, input.timeOffsets);
    if (wanted === undefined) {
      uncommitted.push(id);
      continue;
    }
    const { start, end } = position;
    const next = Math.min(Math.max(wanted, start), end);
    const note: PlanNote | undefined =
      strategy.kind === 'timestamp' && wanted >= end ? 'noRecordAfterTime' : wanted < start ? 'clampedToStart' : wanted > end ? 'clampedToEnd' : undefined;
    partitions.push({ partition: id, current: position.committed, wanted, next, start, end, lagAfter: end - next, ...(note ? { note } : {}) });
  }
  return { partitions, uncommitted };
}

/** The offset the strategy points at on one partition; undefined when a shift has no committed offset to move. */
function wantedOffset(position: PartitionPosition, strategy: ResetStrategy, timeOffsets: ReadonlyMap<number, number> | undefined): number | undefined {
  switch (strategy.kind) {
    case 'earliest':
      return position.start;
    case 'latest':
      return position.end;
    case 'offset':
      return strategy.offset;
    case 'offsets':
      return strategy.offsets.get(position.partition) as number;
    case 'shift':
      return position.committed === null ? undefined : position.committed + strategy.by;
    case 'timestamp': {
      const found = timeOffsets?.get(position.partition);
      if (found === undefined) {
        throw new Error(`no timestamp lookup for partition ${position.partition}`);
      }
      // ListOffsets answers -1 when no record is at or after the time: the group then starts at the end.
      return found < 0 ? position.end : found;
    }
  }
}

/**
 * Parses the offset step's input: `42` (every partition in scope) or `0:10, 2:30` (those partitions only,
 * each once). Spaces around the numbers are allowed.
 */
export function parseResetOffsets(text: string): Extract<ResetStrategy, { kind: 'offset' | 'offsets' }> {
  const pieces = text.split(',').map((p) => p.trim());
  if (pieces.length === 1 && !pieces[0].includes(':')) {
    return { kind: 'offset', offset: parseOffsetSpec(pieces[0]).offset };
  }
  const offsets = new Map<number, number>();
  for (const piece of pieces) {
    const spec = parseOffsetSpec(piece);
    if (spec.partition === undefined) {
      // A bare offset among partition:offset pairs is ambiguous.
      throw new ValidationError('reset.mixedOffsets', piece);
    }
    if (offsets.has(spec.partition)) {
      throw new ValidationError('reset.duplicatePartition', String(spec.partition));
    }
    offsets.set(spec.partition, spec.offset);
  }
  return { kind: 'offsets', offsets };
}

/** Parses a shift: a non-zero whole number of records, `-10` back or `+10` (or `10`) forward. */
export function parseShift(text: string): number {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(n) || n === 0) {
    throw new ValidationError('reset.badShift', text);
  }
  return n;
}

/** Turns a command argument into a strategy; garbage gives a ValidationError. */
export function resetStrategyFrom(arg: unknown, now: number = Date.now()): ResetStrategy {
  if (arg === 'earliest' || arg === 'latest') {
    return { kind: arg };
  }
  if (typeof arg === 'object' && arg !== null) {
    const given = arg as { timestamp?: unknown; offset?: unknown; shift?: unknown };
    if (typeof given.timestamp === 'number' && Number.isSafeInteger(given.timestamp) && given.timestamp >= 0) {
      return { kind: 'timestamp', timestamp: given.timestamp };
    }
    if (typeof given.timestamp === 'string') {
      return { kind: 'timestamp', timestamp: parseTimestamp(given.timestamp, now) };
    }
    if (typeof given.offset === 'string' || typeof given.offset === 'number') {
      return parseResetOffsets(String(given.offset));
    }
    if (typeof given.shift === 'string' || typeof given.shift === 'number') {
      return { kind: 'shift', by: parseShift(String(given.shift)) };
    }
  }
  throw new ValidationError('reset.unknown', describe(arg));
}

function describe(arg: unknown): string {
  try {
    return typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg));
  } catch {
    return Object.prototype.toString.call(arg);
  }
}

import { QueryRange } from './spec';

/** What the broker said about one partition: its log start and end, and the time lookups when asked. */
export interface PartitionOffsets {
  partition: number;
  /** Log start offset. */
  low: number;
  /** High watermark: the offset the next record will get. */
  high: number;
  /** ListOffsets for the range's `from` time: the first offset with a timestamp at or after it, or -1 for none. */
  atFrom?: number;
  /** ListOffsets for the range's `to` time plus 1 ms: the first offset after the range, or -1 for none. */
  afterTo?: number;
}

const clamp = (n: number, low: number, high: number) => Math.min(Math.max(n, low), high);

/**
 * The offsets [start, end) a range covers on one partition, inside the log as it was when the query
 * started (records written later are not read, so every scan ends).
 */
export function planPartition(range: QueryRange, o: PartitionOffsets): { start: number; end: number } {
  const { low, high } = o;
  let start: number;
  let end: number;
  switch (range.kind) {
    case 'time': {
      const atFrom = o.atFrom ?? -1;
      const afterTo = range.to === undefined ? -1 : (o.afterTo ?? -1);
      start = atFrom < 0 ? high : clamp(atFrom, low, high);
      end = afterTo < 0 ? high : clamp(afterTo, low, high);
      break;
    }
    case 'offsets': {
      const span = range.byPartition?.[o.partition] ?? range;
      start = clamp(span.from, low, high);
      end = span.to === undefined ? high : clamp(span.to + 1, low, high);
      break;
    }
    case 'newest':
      start = Math.max(low, high - range.count);
      end = high;
      break;
  }
  return { start, end: Math.max(start, end) };
}

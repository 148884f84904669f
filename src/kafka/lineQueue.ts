import { charLimit, lineLimit, Limits } from './lineLimits';

/**
 * Lines made only when they are about to be shown, such as a batch of records in a one-line format:
 * lines that are dropped or skipped before they are handed on are never made.
 */
export interface LineSource {
  /** How many lines. */
  readonly count: number;
  /** About how many characters the source holds until its lines are made, for `full`. */
  readonly chars: number;
  /** The line at `index` (0 ≤ index < count); it holds no line break. */
  line(index: number): string;
}

/** What a LineQueue hands on at once: the lines, after `dropped` and `skipped` ones that will never come. */
export interface Delivery {
  lines: string[];
  /** Queued lines dropped since the last delivery because more than maxLines or maxBytes waited. */
  dropped: number;
  /** Source lines skipped since the last delivery, while overloaded, and how many lines a second arrived. */
  skipped: number;
  perSecond: number;
}

export interface LineQueueOptions {
  /** The most lines that wait; older ones are dropped (the channel could not keep them anyway). */
  maxLines: number;
  /** The most bytes that wait, counted as for ChannelLinesOptions.maxBytes; older lines are dropped, never the newest. */
  maxBytes?: number;
  /** Time between two deliveries; 100 ms gives at most 10 a second. */
  flushIntervalMs?: number;
  /**
   * More lines than this arriving in one `flushIntervalMs` overload the queue (a tenth of maxLines when not
   * given: 1,000 lines in 100 ms by default, 10,000 a second). While overloaded, deliveries come every
   * `overloadIntervalMs` with only the newest `overloadLines` lines from sources; the ones before are
   * skipped, never made.
   */
  overloadLines?: number;
  overloadIntervalMs?: number;
  /** Characters waiting beyond which `full` is true and the consumer should wait. */
  maxPendingChars?: number;
}

const DEFAULT_FLUSH_MS = 100;
const DEFAULT_OVERLOAD_MS = 1000;
const DEFAULT_MAX_PENDING_CHARS = 8_000_000;
/** Lines pushed one by one are grouped into runs of at most this many, so dropping old ones frees whole runs. */
const RUN_LENGTH = 1024;

/** Queued lines: lines `start` to `end` (exclusive) of a source, or lines pushed one by one. */
interface Run {
  source?: LineSource;
  /** The lines pushed one by one (the last run may still grow); never skipped. */
  lines?: string[];
  start: number;
  end: number;
  chars: number;
}

/**
 * Lines waiting to be shown, handed on in one delivery per interval, never one per line. At most
 * `maxLines` lines and `maxBytes` bytes wait: beyond either the oldest are dropped at once (never the
 * newest), as the channel could never show them, and `full` tells the producer of lines to wait for `drained()` when they hold too many characters.
 *
 * Lines given as a LineSource are made only when they are delivered. When more arrive than a person could
 * follow, the queue is overloaded: it then delivers once every `overloadIntervalMs` (a second), with only
 * the newest `overloadLines` source lines, and counts the skipped ones; so only a few of them ever wait
 * in memory, and most are never made. Lines pushed one by one are never skipped.
 */
export class LineQueue {
  private pending: Run[] = [];
  private pendingCount = 0;
  /** Of pendingCount, the lines from sources. */
  private pendingSourced = 0;
  private pendingChars = 0;
  private droppedNow = 0;
  private skippedNow = 0;
  private skippedCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerMs = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Lines pushed since the last delivery (dropped and skipped ones included), and when it was. */
  private arrived = 0;
  private lastFlushAt = Date.now();
  /** When lines were last handed on (a flush with nothing to hand on does not count). */
  private lastDeliveryAt = 0;
  private overloaded = false;

  constructor(
    private readonly deliver: (delivery: Delivery) => void,
    private options: LineQueueOptions,
  ) {}

  /** Applies new limits from now on. */
  setLimits(limits: Limits): void {
    this.options = { ...this.options, ...limits };
  }

  private get maxLines(): number {
    return lineLimit(this.options.maxLines);
  }

  private get maxChars(): number {
    return charLimit(this.options.maxBytes);
  }

  private get overloadLines(): number {
    return Math.max(1, Math.floor(this.options.overloadLines ?? this.maxLines / 10));
  }

  private get flushIntervalMs(): number {
    return this.options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
  }

  /** Queues one line (it must hold no line break). */
  push(line: string): void {
    if (this.closed) {
      return;
    }
    let run = this.pending[this.pending.length - 1];
    if (!run?.lines || run.lines.length >= RUN_LENGTH) {
      run = { lines: [], start: 0, end: 0, chars: 0 };
      this.pending.push(run);
    }
    run.lines?.push(line);
    run.end++;
    run.chars += line.length;
    this.pendingChars += line.length;
    this.added(1);
  }

  /** Queues several lines. */
  pushAll(lines: readonly string[]): void {
    for (const line of lines) {
      this.push(line);
    }
  }

  /** Queues the lines of a source, made only if they are still wanted when delivered. */
  pushSource(source: LineSource): void {
    if (this.closed || source.count === 0) {
      return;
    }
    this.pending.push({ source, start: 0, end: source.count, chars: source.chars });
    this.pendingChars += source.chars;
    this.pendingSourced += source.count;
    this.added(source.count);
  }

  private added(count: number): void {
    this.pendingCount += count;
    this.arrived += count;
    if (this.overloaded && this.pendingSourced > this.overloadLines) {
      const skipped = this.pendingSourced - this.overloadLines;
      this.remove(skipped, (run) => run.source !== undefined);
      this.skippedNow += skipped;
      this.skippedCount += skipped;
    }
    if (this.pendingCount > this.maxLines) {
      const excess = this.pendingCount - this.maxLines;
      this.droppedNow += excess - this.remove(excess, () => true);
    }
    if (this.pendingChars + this.pendingCount > this.maxChars) {
      this.dropForBytes();
    }
    if (this.timer === undefined) {
      // At most one delivery an interval, but lines after a quiet interval go at once (the first record too).
      const interval = this.overloaded ? (this.options.overloadIntervalMs ?? DEFAULT_OVERLOAD_MS) : this.flushIntervalMs;
      this.schedule(Math.max(0, interval - (Date.now() - this.lastDeliveryAt)));
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.flush(), ms);
  }

  /** True when the queued lines hold so many characters that the consumer should stop fetching for a while. */
  get full(): boolean {
    return this.pendingChars >= (this.options.maxPendingChars ?? DEFAULT_MAX_PENDING_CHARS);
  }

  /** Resolves after the next delivery (at once when nothing waits); that delivery comes at the usual pace. */
  drained(): Promise<void> {
    if (this.pendingCount === 0 || this.closed) {
      return Promise.resolve();
    }
    if (this.timer !== undefined && this.timerMs > this.flushIntervalMs) {
      this.schedule(this.flushIntervalMs);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Source lines skipped so far while overloaded, never made. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** Lines dropped since the last delivery, which the next one reports. */
  get droppedWaiting(): number {
    return this.droppedNow;
  }

  /** Makes the queued lines and hands them on now (nothing when nothing waits or was dropped). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = Date.now();
    const elapsed = Math.max(this.flushIntervalMs, now - this.lastFlushAt);
    const lines: string[] = [];
    for (const { source, lines: pushed, start, end } of this.pending) {
      for (let i = start; i < end; i++) {
        lines.push(pushed ? pushed[i] : (source as LineSource).line(i));
      }
    }
    const delivery: Delivery = { lines, dropped: this.droppedNow, skipped: this.skippedNow, perSecond: Math.round((this.arrived * 1000) / elapsed) };
    // More lines than a person could follow? Then the next deliveries come at the slower pace, sampled.
    this.overloaded = this.arrived * this.flushIntervalMs > this.overloadLines * elapsed;
    this.pending = [];
    this.pendingCount = 0;
    this.pendingSourced = 0;
    this.pendingChars = 0;
    this.droppedNow = 0;
    this.skippedNow = 0;
    this.arrived = 0;
    this.lastFlushAt = now;
    if (lines.length > 0 || delivery.dropped > 0 || delivery.skipped > 0) {
      this.lastDeliveryAt = now;
      this.deliver(delivery);
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  /** Delivers what is queued and stops the timer; later pushes are ignored. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /**
   * Removes up to `count` of the oldest queued lines in runs that `which` accepts, letting go of emptied
   * runs at once (a consumer's records kept a little longer would outlive the young generation and be
   * collected late). Returns how many it could not remove.
   */
  private remove(count: number, which: (run: Run) => boolean): number {
    for (let i = 0; i < this.pending.length && count > 0; ) {
      const run = this.pending[i];
      if (!which(run)) {
        i++;
        continue;
      }
      const taken = Math.min(count, run.end - run.start);
      count -= taken;
      if (this.take(run, taken)) {
        this.pending.splice(i, 1);
      } else {
        i++;
      }
    }
    return count;
  }

  /**
   * Drops the oldest queued lines, never the newest, until what waits fits in maxBytes. Lines pushed one
   * by one count exactly; a source's lines count as their share of its estimated characters.
   */
  private dropForBytes(): void {
    const maxChars = this.maxChars;
    while (this.pendingCount > 1 && this.pending.length > 0 && this.pendingChars + this.pendingCount > maxChars) {
      const run = this.pending[0];
      const remaining = run.end - run.start;
      let taken = 1;
      if (!run.lines) {
        const perLine = run.chars / remaining + 1;
        taken = Math.ceil((this.pendingChars + this.pendingCount - maxChars) / perLine);
        taken = Math.max(1, Math.min(remaining, this.pendingCount - 1, taken));
      }
      this.droppedNow += taken;
      if (this.take(run, taken)) {
        this.pending.shift();
      }
    }
  }

  /** Takes the first `taken` lines off a run and out of the counts; true when the run is now empty. */
  private take(run: Run, taken: number): boolean {
    const remaining = run.end - run.start;
    let chars: number;
    if (taken >= remaining) {
      chars = run.chars;
    } else if (run.lines) {
      chars = 0;
      for (let i = run.start; i < run.start + taken; i++) {
        chars += run.lines[i].length;
      }
    } else {
      chars = Math.round((run.chars * taken) / remaining);
    }
    run.start += taken;
    run.chars -= chars;
    this.pendingChars -= chars;
    this.pendingCount -= taken;
    if (run.source) {
      this.pendingSourced -= taken;
    }
    return run.start === run.end;
  }
}

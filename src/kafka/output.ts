/** Where a consumer's lines go: an output channel in VS Code, anything else in plain Node. */
export interface OutputSink {
  /** Adds text at the end; the text ends with a line break. */
  append(text: string): void;
  /** Replaces everything with the text. */
  replace(text: string): void;
}

export interface OutputBufferOptions {
  /** The most lines the sink holds; older lines give way to a note saying how many were dropped. */
  maxLines: number;
  /**
   * The most bytes the sink holds, counted as JavaScript holds text: 2 bytes per UTF-16 code unit, the line
   * break included. Older lines give way as for maxLines; the newest line is always kept. 20 MiB by default.
   */
  maxBytes?: number;
  /** Time between two appends to the sink; 100 ms gives at most 10 appends a second. */
  flushIntervalMs?: number;
  /** Characters waiting for the next append beyond which `full` is true and the consumer should wait. */
  maxPendingChars?: number;
  /** The line shown above the kept lines once `dropped` older lines were removed; localized by the caller. */
  droppedNote: (dropped: number) => string;
}

const DEFAULT_FLUSH_MS = 100;
/** `ckafka.consumer.maxBytes`'s default: 20 MiB. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/** `ckafka.consumer.maxLines`'s default. */
export const DEFAULT_MAX_LINES = 10_000;
/** The smallest byte limit honoured; a smaller one is raised to it. */
const MIN_MAX_BYTES = 1024;
const DEFAULT_MAX_PENDING_CHARS = 8_000_000;
/** After trimming, the sink keeps this share of maxLines and maxBytes, so trimming happens in steps, not on every append. */
const KEEP_SHARE = 0.75;

/** Characters a line takes in the sink: its text and its line break. Bytes are twice that. */
const charsOf = (line: string) => line.length + 1;

/**
 * Collects lines and hands them to the sink in one append per interval, never one per line. The sink
 * holds at most `maxLines` lines and `maxBytes` bytes: when an append would go past either, the sink's
 * content is replaced with the newest lines under a note counting the dropped ones. Lines waiting for the
 * next append are bounded the same way: beyond either limit the oldest are dropped at once (they could
 * never be shown), and `full` tells the producer of lines to wait for `drained()` when they hold too many
 * characters.
 */
export class OutputBuffer {
  private pending: string[] = [];
  /** Index of the first pending line still wanted; the ones before it were dropped. */
  private pendingStart = 0;
  private pendingChars = 0;
  /** Exactly what the sink holds, line by line (the drop note first, when there is one). */
  private shown: string[] = [];
  /** Characters the sink holds, line breaks included. */
  private shownChars = 0;
  private hasNote = false;
  private droppedCount = 0;
  /** The dropped count the note in the sink shows. */
  private notedCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters: (() => void)[] = [];
  private closed = false;
  private flushCount = 0;

  constructor(
    private readonly sink: OutputSink,
    private options: OutputBufferOptions,
  ) {}

  /** Applies new limits from the next append on. */
  setLimits(limits: { maxLines: number; maxBytes?: number }): void {
    this.options = { ...this.options, ...limits };
  }

  private get maxLines(): number {
    return Math.max(10, Math.floor(this.options.maxLines));
  }

  /** maxBytes in characters (UTF-16 code units). */
  private get maxChars(): number {
    return Math.floor(Math.max(MIN_MAX_BYTES, this.options.maxBytes ?? DEFAULT_MAX_BYTES) / 2);
  }

  /** Characters of the queued lines that are still wanted, line breaks included. */
  private get pendingTotal(): number {
    return this.pendingChars + this.pending.length - this.pendingStart;
  }

  /** Queues one line (it must hold no line break); the next append carries it. */
  push(line: string): void {
    if (this.closed) {
      return;
    }
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pending.length - this.pendingStart > this.maxLines || this.pendingTotal > this.maxChars) {
      this.dropPendingHead();
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.options.flushIntervalMs ?? DEFAULT_FLUSH_MS);
    }
  }

  /** Queues several lines. */
  pushAll(lines: readonly string[]): void {
    for (const line of lines) {
      this.push(line);
    }
  }

  /** True when the queued lines hold so many characters that the consumer should stop fetching for a while. */
  get full(): boolean {
    return this.pendingChars >= (this.options.maxPendingChars ?? DEFAULT_MAX_PENDING_CHARS);
  }

  /** Resolves after the next append (at once when nothing waits). */
  drained(): Promise<void> {
    if (this.pending.length === this.pendingStart || this.closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lines dropped so far, to keep within maxLines and maxBytes. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** How many appends or replaces reached the sink. */
  get flushes(): number {
    return this.flushCount;
  }

  /** The lines the sink holds now. */
  lines(): readonly string[] {
    return this.shown;
  }

  /** Bytes the sink holds now, counted as for maxBytes. */
  get bytes(): number {
    return this.shownChars * 2;
  }

  /** Hands every queued line to the sink now. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const incoming = this.pendingStart === 0 ? this.pending : this.pending.slice(this.pendingStart);
    const incomingChars = this.pendingTotal;
    this.pending = [];
    this.pendingStart = 0;
    this.pendingChars = 0;
    if (incoming.length > 0) {
      this.flushCount++;
      if (this.shown.length + incoming.length <= this.maxLines && this.shownChars + incomingChars <= this.maxChars && this.notedCount === this.droppedCount) {
        this.sink.append(`${incoming.join('\n')}\n`);
        for (const line of incoming) {
          this.shown.push(line);
        }
        this.shownChars += incomingChars;
      } else {
        this.trimAndReplace(incoming);
      }
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  /** Appends what is queued and stops the timer; later pushes are ignored. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Replaces the sink's content with the newest lines within KEEP_SHARE of both limits, under the note. */
  private trimAndReplace(incoming: string[]): void {
    const old = this.hasNote ? this.shown.slice(1) : this.shown;
    const total = old.length + incoming.length;
    const keepLines = Math.max(1, Math.floor(this.maxLines * KEEP_SHARE) - 1);
    // Room for the note as it could read at most (its count only grows by what is dropped now).
    const keepChars = Math.floor(this.maxChars * KEEP_SHARE) - charsOf(this.options.droppedNote(this.droppedCount + total));
    let count = 0;
    let chars = 0;
    while (count < total && count < keepLines) {
      const i = total - 1 - count;
      const size = charsOf(i >= old.length ? incoming[i - old.length] : old[i]);
      if (count > 0 && chars + size > keepChars) {
        break;
      }
      chars += size;
      count++;
    }
    const fromOld = Math.max(0, count - incoming.length);
    const kept = fromOld > 0 ? [...old.slice(old.length - fromOld), ...incoming] : incoming.slice(incoming.length - count);
    this.droppedCount += total - kept.length;
    this.notedCount = this.droppedCount;
    const note = this.options.droppedNote(this.droppedCount);
    this.shown = [note, ...kept];
    this.shownChars = charsOf(note) + chars;
    this.hasNote = true;
    this.sink.replace(`${this.shown.join('\n')}\n`);
  }

  /** Drops the oldest queued lines beyond maxLines or maxBytes (but never the newest): they would be trimmed away at the next append anyway. */
  private dropPendingHead(): void {
    let count = this.pending.length - this.pendingStart;
    let excess = 0;
    while (count > 1 && (count > this.maxLines || this.pendingChars + count > this.maxChars)) {
      this.pendingChars -= this.pending[this.pendingStart + excess].length;
      excess++;
      count--;
    }
    this.pendingStart += excess;
    this.droppedCount += excess;
    if (this.pendingStart > 4096 && this.pendingStart * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingStart);
      this.pendingStart = 0;
    }
  }
}

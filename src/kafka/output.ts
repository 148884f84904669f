import { charLimit, lineLimit, Limits } from './lineLimits';
import { Delivery } from './lineQueue';

/** Where a consumer's lines go: an output channel in VS Code, anything else in plain Node. */
export interface OutputSink {
  /** Adds text at the end; the text ends with a line break. */
  append(text: string): void;
  /** Replaces everything with the text. */
  replace(text: string): void;
}

export interface ChannelLinesOptions {
  /** The most lines the sink holds; older lines give way to a note saying how many were dropped. */
  maxLines: number;
  /**
   * The most bytes the sink holds, counted as JavaScript holds text: 2 bytes per UTF-16 code unit, the line
   * break included. Older lines give way as for maxLines; the newest line is always kept. 20 MiB by default.
   */
  maxBytes?: number;
  /** The line shown above the kept lines once `dropped` older lines were removed; localized by the caller. */
  droppedNote: (dropped: number) => string;
  /** The line shown where `skipped` lines were skipped while `perSecond` lines a second arrived; localized by the caller. */
  skippedNote?: (skipped: number, perSecond: number) => string;
}

/** After trimming, the sink keeps this share of maxLines and maxBytes, so trimming happens in steps, not on every append. */
const KEEP_SHARE = 0.75;

const defaultSkippedNote = (skipped: number, perSecond: number) => `… ${skipped} lines skipped (${perSecond} a second arrived)`;

/** Lines the sink keeps after a trim. */
function keepOf(maxLines: number): number {
  return Math.max(1, Math.floor(lineLimit(maxLines) * KEEP_SHARE) - 1);
}

/** Characters a line takes in the sink: its text and its line break. Bytes are twice that. */
const charsOf = (line: string) => line.length + 1;

/**
 * What a consumer's channel holds: at most `maxLines` lines and `maxBytes` bytes. When showing more would
 * go past either, the sink's content is replaced with the newest lines (the newest always) under a note
 * counting the dropped ones. Skipped lines get a note where they would have been.
 */
export class ChannelLines {
  /** Exactly what the sink holds, as the texts handed to it (the drop note first, when there is one). */
  private shownTexts: string[] = [];
  private shownCount = 0;
  /** Characters the sink holds, line breaks included. */
  private shownChars = 0;
  /** `shownTexts` split into lines, made when asked for and kept until the sink changes. */
  private shownLines: string[] | undefined;
  private hasNote = false;
  private droppedCount = 0;
  /** The dropped count the note in the sink shows. */
  private notedCount = 0;
  private flushCount = 0;

  constructor(
    private readonly sink: OutputSink,
    private options: ChannelLinesOptions,
  ) {}

  /** Applies new limits from the next change on. */
  setLimits(limits: Limits): void {
    this.options = { ...this.options, ...limits };
  }

  /** Lines dropped so far, to keep within maxLines and maxBytes. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Bytes the sink holds now, counted as for maxBytes. */
  get bytes(): number {
    return this.shownChars * 2;
  }

  /** How many appends or replaces reached the sink. */
  get flushes(): number {
    return this.flushCount;
  }

  /** The lines the sink holds now. */
  lines(): readonly string[] {
    this.shownLines ??= this.shownTexts.length === 0 ? [] : this.shownTexts.join('').slice(0, -1).split('\n');
    return this.shownLines;
  }

  /** Shows one line now. */
  showLine(line: string): void {
    this.show({ lines: [line], dropped: 0, skipped: 0, perSecond: 0 });
  }

  /** Shows a delivery now: its skipped note, if any, then its lines. */
  show({ lines, dropped, skipped, perSecond }: Delivery): void {
    const incoming = skipped > 0 ? [(this.options.skippedNote ?? defaultSkippedNote)(skipped, perSecond), ...lines] : lines;
    this.droppedCount += dropped;
    if (incoming.length === 0 && this.notedCount === this.droppedCount) {
      return;
    }
    this.flushCount++;
    this.shownLines = undefined;
    const text = `${incoming.join('\n')}\n`;
    const fits = this.shownCount + incoming.length <= lineLimit(this.options.maxLines) && this.shownChars + text.length <= charLimit(this.options.maxBytes);
    if (fits && this.notedCount === this.droppedCount) {
      this.sink.append(text);
      this.shownTexts.push(text);
      this.shownCount += incoming.length;
      this.shownChars += text.length;
    } else {
      this.trimAndReplace(incoming);
    }
  }

  /** Replaces the sink's content with the newest lines within KEEP_SHARE of both limits, under the note. */
  private trimAndReplace(incoming: string[]): void {
    const oldCount = this.shownCount - (this.hasNote ? 1 : 0);
    const total = oldCount + incoming.length;
    const keepLines = keepOf(this.options.maxLines);
    // Room for the note as it could read at most (its count only grows by what is dropped now).
    const keepChars = Math.floor(charLimit(this.options.maxBytes) * KEEP_SHARE) - charsOf(this.options.droppedNote(this.droppedCount + total));
    // The old lines are split out of the sink's texts only when the incoming ones leave room for some.
    let old: readonly string[] | undefined;
    const lineAt = (i: number) => {
      if (i >= oldCount) {
        return incoming[i - oldCount];
      }
      old ??= this.hasNote ? this.lines().slice(1) : this.lines();
      return old[i];
    };
    let count = 0;
    let chars = 0;
    while (count < total && count < keepLines) {
      const size = charsOf(lineAt(total - 1 - count));
      if (count > 0 && chars + size > keepChars) {
        break;
      }
      chars += size;
      count++;
    }
    const fromOld = Math.max(0, count - incoming.length);
    const kept = fromOld > 0 ? [...(old ?? []).slice(oldCount - fromOld), ...incoming] : incoming.slice(incoming.length - count);
    this.droppedCount += total - kept.length;
    this.notedCount = this.droppedCount;
    kept.unshift(this.options.droppedNote(this.droppedCount));
    const text = `${kept.join('\n')}\n`;
    this.hasNote = true;
    this.shownTexts = [text];
    this.shownCount = kept.length;
    this.shownChars = text.length;
    this.shownLines = undefined;
    this.sink.replace(text);
  }
}

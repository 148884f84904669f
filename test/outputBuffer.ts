import { Limits } from '../src/kafka/lineLimits';
import { LineQueue, LineQueueOptions, LineSource } from '../src/kafka/lineQueue';
import { ChannelLines, ChannelLinesOptions, OutputSink } from '../src/kafka/output';

export type OutputBufferOptions = LineQueueOptions & ChannelLinesOptions;

/**
 * For tests of the output path without the consumer thread: a LineQueue delivering into ChannelLines in
 * the same thread, as the consumer thread and RunningConsumer do across threads. Lines are collected and
 * handed to the sink in one append per interval, and the sink holds at most `maxLines` of them and
 * `maxBytes` bytes.
 */
export class OutputBuffer {
  private readonly channel: ChannelLines;
  private readonly queue: LineQueue;

  constructor(sink: OutputSink, options: OutputBufferOptions) {
    this.channel = new ChannelLines(sink, options);
    this.queue = new LineQueue((delivery) => this.channel.show(delivery), options);
  }

  /** Applies new limits from the next append on. */
  setLimits(limits: Limits): void {
    this.queue.setLimits(limits);
    this.channel.setLimits(limits);
  }

  /** Queues one line (it must hold no line break); the next append carries it. */
  push(line: string): void {
    this.queue.push(line);
  }

  /** Queues several lines. */
  pushAll(lines: readonly string[]): void {
    this.queue.pushAll(lines);
  }

  /** Queues the lines of a source, made only if they are still wanted at the next append. */
  pushSource(source: LineSource): void {
    this.queue.pushSource(source);
  }

  /** True when the queued lines hold so many characters that the consumer should stop fetching for a while. */
  get full(): boolean {
    return this.queue.full;
  }

  /** Resolves after the next append (at once when nothing waits). */
  drained(): Promise<void> {
    return this.queue.drained();
  }

  /** Lines dropped so far, to keep within maxLines and maxBytes. */
  get dropped(): number {
    return this.channel.dropped + this.queue.droppedWaiting;
  }

  /** Bytes the sink holds now, counted as for maxBytes. */
  get bytes(): number {
    return this.channel.bytes;
  }

  /** Source lines skipped so far while overloaded. */
  get skipped(): number {
    return this.queue.skipped;
  }

  /** How many appends or replaces reached the sink. */
  get flushes(): number {
    return this.channel.flushes;
  }

  /** The lines the sink holds now. */
  lines(): readonly string[] {
    return this.channel.lines();
  }

  /** Hands every queued line to the sink now. */
  flush(): void {
    this.queue.flush();
  }

  /** Appends what is queued and stops the timer; later pushes are ignored. */
  close(): void {
    this.queue.close();
  }
}

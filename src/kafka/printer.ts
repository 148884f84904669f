import type { RecordBatch } from './consume';
import { FormatOptions, formatRecord } from './format';
import type { OutputBuffer } from './output';

/**
 * Formats each consumed record into the output buffer and counts them. Its `onBatch` is what a
 * ConsumerSession is given, in the extension and in the benchmark alike; it returns a promise (so the
 * consumer stops fetching) only while the buffer is full.
 */
export class RecordPrinter {
  private count = 0;

  constructor(
    private readonly buffer: OutputBuffer,
    private format: FormatOptions,
  ) {}

  get received(): number {
    return this.count;
  }

  setFormat(format: FormatOptions): void {
    this.format = format;
  }

  readonly onBatch = (batch: RecordBatch): void | Promise<void> => {
    const { topic, partition, records } = batch;
    const format = this.format;
    for (const record of records) {
      const lines = formatRecord(topic, partition, record, format);
      if (lines.length === 1) {
        this.buffer.push(lines[0]);
      } else {
        this.buffer.pushAll(lines);
      }
    }
    this.count += records.length;
    return this.buffer.full ? this.buffer.drained() : undefined;
  };
}

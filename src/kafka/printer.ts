import type { RecordBatch } from './consume';
import { ConsumedRecord, FormatOptions, formatLine, formatRecord } from './format';
import type { LineQueue, LineSource } from './lineQueue';

/** Where a printer's lines go: a LineQueue (the consumer thread's, or in tests one that shows its lines in the same thread). */
export type LineTarget = Pick<LineQueue, 'pushAll' | 'pushSource' | 'full' | 'drained'>;

/** Characters a record's line holds besides its key and value, for the buffer's bound. */
const LINE_OVERHEAD = 100;

/**
 * The one-line records of a batch, formatted only when the buffer shows them. Until then the records are
 * kept whole, so their full size counts towards the buffer's bound, not the size of their cut lines.
 */
class RecordLines implements LineSource {
  readonly chars: number;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly records: readonly ConsumedRecord[],
    private readonly format: FormatOptions,
  ) {
    let chars = 0;
    for (const { key, value } of records) {
      chars += LINE_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
    }
    this.chars = chars;
  }

  get count(): number {
    return this.records.length;
  }

  line(index: number): string {
    return formatLine(this.topic, this.partition, this.records[index], this.format);
  }
}

/**
 * Formats each consumed record into the output buffer and counts them. Its `onBatch` is what a
 * ConsumerSession is given, in the extension and in the benchmark alike; it returns a promise (so the
 * consumer stops fetching) only while the buffer is full. In the text and json formats a record is one
 * line, formatted only if the buffer still wants it when it appends; a pretty record may be several lines,
 * so it is formatted at once.
 */
export class RecordPrinter {
  private count = 0;

  constructor(
    private readonly buffer: LineTarget,
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
    if (format.format === 'pretty') {
      for (const record of records) {
        this.buffer.pushAll(formatRecord(topic, partition, record, format));
      }
    } else {
      this.buffer.pushSource(new RecordLines(topic, partition, records, format));
    }
    this.count += records.length;
    return this.buffer.full ? this.buffer.drained() : undefined;
  };
}

import * as assert from 'assert';
import { DEFAULT_MAX_BYTES } from '../../src/kafka/lineLimits';
import { Delivery, LineQueue, LineSource } from '../../src/kafka/lineQueue';
import { ChannelLines, OutputSink } from '../../src/kafka/output';
import { OutputBuffer } from '../outputBuffer';

/** A sink that records every call and keeps the text as a channel would. */
class RecordingSink implements OutputSink {
  text = '';
  appends = 0;
  replaces = 0;
  append(text: string): void {
    this.appends++;
    this.text += text;
  }
  replace(text: string): void {
    this.replaces++;
    this.text = text;
  }
  lines(): string[] {
    return this.text.split('\n').slice(0, -1);
  }
}

const note = (n: number) => `-- ${n} older lines dropped --`;

describe('OutputBuffer', () => {
  it('hands many lines to the sink in one append per interval, not one per line', async () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 1000, flushIntervalMs: 20, droppedNote: note });
    for (let i = 0; i < 500; i++) {
      buffer.push(`line ${i}`);
    }
    assert.strictEqual(sink.appends, 0, 'nothing is appended before the interval');
    await buffer.drained();
    assert.strictEqual(sink.appends, 1);
    assert.deepStrictEqual(sink.lines(), Array.from({ length: 500 }, (_, i) => `line ${i}`));
    assert.deepStrictEqual(buffer.lines(), sink.lines());
    buffer.close();
  });

  it('hands on lines after a quiet interval at once, then at most one delivery an interval', async () => {
    const deliveredAt: number[] = [];
    const delivered: string[][] = [];
    const queue = new LineQueue(
      (d) => {
        deliveredAt.push(Date.now());
        delivered.push(d.lines);
      },
      { maxLines: 1000, flushIntervalMs: 1000 },
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    queue.flush(); // nothing to hand on: it does not count as a delivery
    queue.push('first');
    await sleep(300);
    assert.deepStrictEqual(delivered, [['first']], 'the first line is handed on at once, not an interval later');
    queue.push('second');
    queue.push('third');
    await sleep(300);
    assert.strictEqual(delivered.length, 1, 'lines within the interval wait for it');
    await queue.drained();
    assert.deepStrictEqual(delivered, [['first'], ['second', 'third']]);
    assert.ok(deliveredAt[1] - deliveredAt[0] >= 990, `${deliveredAt[1] - deliveredAt[0]} ms between deliveries`);
    queue.close();
  });

  it('keeps at most maxLines lines, the newest, under a note counting the dropped ones', () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 100, droppedNote: note });
    let next = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 37; i++) {
        buffer.push(`line ${next++}`);
      }
      buffer.flush();
      const lines = sink.lines();
      assert.ok(lines.length <= 100, `round ${round}: ${lines.length} lines`);
      assert.strictEqual(lines[lines.length - 1], `line ${next - 1}`, 'the newest line is always there');
      assert.deepStrictEqual(buffer.lines(), lines, 'lines() mirrors the sink');
      if (lines[0].startsWith('--')) {
        const dropped = Number(/-- (\d+)/.exec(lines[0])?.[1]);
        assert.strictEqual(dropped + lines.length - 1, next, 'dropped + shown = everything pushed');
        assert.strictEqual(dropped, buffer.dropped);
      }
    }
    assert.ok(sink.replaces > 0 && sink.replaces < 20, `trims happen in steps (${sink.replaces} replaces)`);
    assert.strictEqual(sink.lines()[0], note(buffer.dropped));
    buffer.close();
  });

  it('drops queued lines beyond maxLines at once, keeping the newest', () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 50, droppedNote: note });
    for (let i = 0; i < 100_000; i++) {
      buffer.push(`l${i}`);
    }
    assert.strictEqual(buffer.dropped, 100_000 - 50, 'only maxLines lines wait for the append');
    buffer.flush();
    const lines = sink.lines();
    assert.ok(lines.length <= 50);
    assert.strictEqual(lines[lines.length - 1], 'l99999');
    assert.strictEqual(lines[0], note(100_000 - (lines.length - 1)));
    assert.strictEqual(sink.appends + sink.replaces, 1);
    buffer.close();
  });

  it('says it is full when the queued characters pass the bound, and drained() resolves at the next append', async () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 1000, flushIntervalMs: 10, maxPendingChars: 100, droppedNote: note });
    buffer.push('x'.repeat(60));
    assert.strictEqual(buffer.full, false);
    buffer.push('y'.repeat(60));
    assert.strictEqual(buffer.full, true);
    await buffer.drained();
    assert.strictEqual(buffer.full, false);
    assert.strictEqual(sink.lines().length, 2);
    buffer.close();
  });

  it('appends what is queued on close, and nothing after', () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 10, flushIntervalMs: 60_000, droppedNote: note });
    buffer.push('last');
    buffer.close();
    assert.deepStrictEqual(sink.lines(), ['last']);
    buffer.push('after');
    buffer.flush();
    assert.deepStrictEqual(sink.lines(), ['last']);
  });

  describe('maxBytes', () => {
    /** Bytes the sink holds, counted as maxBytes counts them: 2 per UTF-16 code unit, line breaks included. */
    const sinkBytes = (sink: RecordingSink) => sink.text.length * 2;

    it('keeps the newest lines within maxBytes as well as maxLines, under the note', () => {
      const sink = new RecordingSink();
      const maxBytes = 4000;
      const buffer = new OutputBuffer(sink, { maxLines: 10_000, maxBytes, droppedNote: note });
      let next = 0;
      for (let round = 0; round < 30; round++) {
        for (let i = 0; i < 7; i++) {
          // Widths from 10 to 130 code units, CJK and a surrogate pair among them.
          const line = `line ${next++} ${'键x😀'.repeat(round % 5)}${'y'.repeat((round * 13 + i * 7) % 110)}`;
          buffer.push(line);
        }
        buffer.flush();
        const lines = sink.lines();
        assert.ok(sinkBytes(sink) <= maxBytes, `round ${round}: ${sinkBytes(sink)} bytes`);
        assert.strictEqual(buffer.bytes, sinkBytes(sink), 'bytes counts what the sink holds');
        assert.ok(lines[lines.length - 1].startsWith(`line ${next - 1} `), 'the newest line is always there');
        assert.deepStrictEqual(buffer.lines(), lines, 'lines() mirrors the sink');
        if (lines[0].startsWith('--')) {
          const dropped = Number(/-- (\d+)/.exec(lines[0])?.[1]);
          assert.strictEqual(dropped + lines.length - 1, next, 'dropped + shown = everything pushed');
        }
      }
      assert.ok(buffer.dropped > 0, 'lines were dropped for bytes, far below maxLines');
      assert.ok(sink.replaces > 0 && sink.replaces < 30, `trims happen in steps (${sink.replaces} replaces)`);
      buffer.close();
    });

    it('drops queued lines beyond maxBytes at once, keeping the newest', () => {
      const sink = new RecordingSink();
      const buffer = new OutputBuffer(sink, { maxLines: 1_000_000, maxBytes: 10_000, droppedNote: note });
      for (let i = 0; i < 100_000; i++) {
        buffer.push(`l${String(i).padStart(6, '0')}${'z'.repeat(43)}`);
      }
      // 50 code units and a line break: 102 bytes a line, 98 lines within 10,000 bytes.
      assert.strictEqual(buffer.dropped, 100_000 - 98, 'only what fits in maxBytes waits for the append');
      buffer.flush();
      const lines = sink.lines();
      assert.ok(sinkBytes(sink) <= 10_000, `${sinkBytes(sink)} bytes`);
      assert.strictEqual(lines[lines.length - 1], `l099999${'z'.repeat(43)}`);
      assert.strictEqual(lines[0], note(100_000 - (lines.length - 1)));
      buffer.close();
    });

    it('keeps the newest line even when it alone is larger than maxBytes', () => {
      const sink = new RecordingSink();
      const buffer = new OutputBuffer(sink, { maxLines: 100, maxBytes: 2048, droppedNote: note });
      buffer.push('small');
      buffer.flush();
      buffer.push('w'.repeat(5000));
      buffer.flush();
      assert.deepStrictEqual(sink.lines(), [note(1), 'w'.repeat(5000)]);
      buffer.push('after');
      buffer.flush();
      assert.deepStrictEqual(sink.lines(), [note(2), 'after']);
      buffer.close();
    });

    it('applies a lower limit from the next append on', () => {
      const sink = new RecordingSink();
      const buffer = new OutputBuffer(sink, { maxLines: 1000, maxBytes: 1_000_000, droppedNote: note });
      for (let i = 0; i < 200; i++) {
        buffer.push(`${i} ${'q'.repeat(40)}`);
      }
      buffer.flush();
      assert.strictEqual(sink.lines().length, 200);
      buffer.setLimits({ maxLines: 1000, maxBytes: 4096 });
      buffer.push('last');
      buffer.flush();
      assert.ok(sinkBytes(sink) <= 4096, `${sinkBytes(sink)} bytes`);
      assert.strictEqual(sink.lines()[sink.lines().length - 1], 'last');
      buffer.close();
    });

    it('holds 20 MiB by default', () => {
      const sink = new RecordingSink();
      const buffer = new OutputBuffer(sink, { maxLines: 1_000_000, droppedNote: note });
      const line = 'd'.repeat(1023);
      // 1,024 code units a line with its break: 2 KiB; 10,240 lines make 20 MiB.
      for (let i = 0; i < 10_240; i++) {
        buffer.push(line);
      }
      buffer.flush();
      assert.strictEqual(buffer.dropped, 0);
      assert.strictEqual(sinkBytes(sink), DEFAULT_MAX_BYTES);
      buffer.push(line);
      buffer.flush();
      assert.ok(buffer.dropped > 0 && sinkBytes(sink) <= DEFAULT_MAX_BYTES, `${buffer.dropped} dropped, ${sinkBytes(sink)} bytes`);
      buffer.close();
    });
  });
});

/** A source of `count` lines `${prefix}${i}` that counts how many lines were made. */
function source(prefix: string, count: number, made: { count: number }): LineSource {
  return {
    count,
    chars: count * 10,
    line: (i) => {
      made.count++;
      return `${prefix}${i}`;
    },
  };
}

describe('LineQueue and ChannelLines', () => {
  it('makes the lines of a source only when it delivers them, never the ones dropped before', () => {
    const sink = new RecordingSink();
    const buffer = new OutputBuffer(sink, { maxLines: 50, droppedNote: note });
    const made = { count: 0 };
    buffer.pushSource(source('a', 40, made));
    buffer.pushSource(source('b', 40, made));
    buffer.pushSource(source('c', 40, made));
    assert.strictEqual(made.count, 0, 'nothing is formatted before the append');
    assert.strictEqual(buffer.dropped, 70);
    buffer.flush();
    assert.strictEqual(made.count, 50, 'only the 50 lines that could be shown were made');
    const lines = sink.lines();
    assert.strictEqual(lines[lines.length - 1], 'c39');
    assert.strictEqual(lines[0], note(120 - (lines.length - 1)));
    buffer.close();
  });

  it('when more lines arrive than a person could follow, delivers only the newest, counting the skipped ones', () => {
    const deliveries: Delivery[] = [];
    const queue = new LineQueue((d) => deliveries.push(d), { maxLines: 1000, flushIntervalMs: 100, overloadIntervalMs: 60_000 });
    const made = { count: 0 };
    // 100 lines an interval is the most a person is given (a tenth of maxLines); 500 overload the queue.
    queue.pushSource(source('a', 500, made));
    queue.flush();
    assert.deepStrictEqual(deliveries[0].lines.length, 500, 'the interval that shows the overload still delivers everything');
    queue.push('a note of the consumer');
    for (let i = 0; i < 10; i++) {
      queue.pushSource(source(`b${i}-`, 100, made));
    }
    queue.flush();
    const overloaded = deliveries[1];
    assert.strictEqual(overloaded.skipped, 900);
    assert.strictEqual(overloaded.dropped, 0);
    assert.deepStrictEqual(overloaded.lines, ['a note of the consumer', ...Array.from({ length: 100 }, (_, i) => `b9-${i}`)], 'the consumer note is kept; of the records, the newest 100');
    assert.strictEqual(overloaded.perSecond, 10_010);
    assert.strictEqual(made.count, 600, 'the skipped lines were never made');
    assert.strictEqual(queue.skipped, 900);
    // 50 lines in an interval: still delivered sampled (the queue learns of the calm at this delivery), then all again.
    queue.pushSource(source('c', 50, made));
    queue.flush();
    assert.strictEqual(deliveries[2].lines.length, 50);
    queue.pushSource(source('d', 300, made));
    queue.flush();
    assert.strictEqual(deliveries[3].lines.length, 300, 'calm again: every line is delivered');
    assert.strictEqual(deliveries[3].skipped, 0);
    queue.close();
  });

  it('bounds the lines waiting in the queue by maxBytes too, sources included, making only the ones delivered', () => {
    const deliveries: Delivery[] = [];
    // 2,048 bytes: 1,024 characters; a source's line is estimated at 10 characters and its break, 11 in all.
    const queue = new LineQueue((d) => deliveries.push(d), { maxLines: 10_000, maxBytes: 2048, overloadLines: 10_000 });
    const made = { count: 0 };
    queue.pushSource(source('a', 60, made));
    queue.pushSource(source('b', 60, made));
    queue.push('a note of the consumer');
    // 121 lines of 11 characters but the note (23): 92 fit in 1,024 characters.
    assert.strictEqual(queue.droppedWaiting, 29, 'beyond 1,024 characters the oldest lines are dropped at once');
    queue.flush();
    const [delivery] = deliveries;
    assert.strictEqual(delivery.dropped, 29);
    assert.strictEqual(delivery.lines.length, 92);
    assert.deepStrictEqual(delivery.lines.slice(-2), ['b59', 'a note of the consumer'], 'the newest lines are kept');
    assert.strictEqual(delivery.lines[0], 'a29');
    assert.strictEqual(made.count, 91, 'the dropped lines were never made');
    queue.setLimits({ maxLines: 10_000, maxBytes: 1024 });
    queue.push('x'.repeat(5000));
    queue.flush();
    assert.deepStrictEqual(deliveries[1].lines, ['x'.repeat(5000)], 'a line larger than maxBytes alone is still handed on');
    queue.close();
  });

  it('shows a skip note where lines were skipped, and accounts for every line: shown, dropped or skipped', () => {
    const sink = new RecordingSink();
    const channel = new ChannelLines(sink, { maxLines: 100, droppedNote: note, skippedNote: (n, rate) => `-- ${n} skipped at ${rate}/s --` });
    const delivered = { skipNotes: 0, skipped: 0, dropped: 0 };
    const queue = new LineQueue(
      (d) => {
        delivered.skipNotes += d.skipped > 0 ? 1 : 0;
        delivered.skipped += d.skipped;
        delivered.dropped += d.dropped;
        channel.show(d);
      },
      { maxLines: 100, flushIntervalMs: 100, overloadIntervalMs: 60_000 },
    );
    const made = { count: 0 };
    let pushed = 0;
    for (let round = 0; round < 30; round++) {
      const count = [60, 5, 150][round % 3];
      queue.pushSource(source(`r${round}-`, count, made));
      pushed += count;
      queue.flush();
    }
    queue.close();
    const lines = sink.lines();
    assert.deepStrictEqual(channel.lines(), lines, 'lines() mirrors the sink');
    assert.ok(lines.length <= 100, `${lines.length} lines`);
    assert.ok(delivered.skipped > 0 && delivered.dropped > 0, 'this test overloads the queue and overflows it');
    assert.strictEqual(queue.skipped, delivered.skipped);
    assert.strictEqual(made.count, pushed - delivered.skipped - delivered.dropped, 'every line delivered was made once, no other');
    const shownRecords = lines.filter((l) => /^r\d+-\d+$/.test(l)).length;
    const shownSkipNotes = lines.filter((l) => / skipped at /.test(l)).length;
    assert.strictEqual(lines[0], note(channel.dropped));
    // The drop note counts every line that left the channel or never reached it, skip notes included.
    assert.strictEqual(shownRecords + channel.dropped - (delivered.skipNotes - shownSkipNotes) + delivered.skipped, pushed);
  });
});

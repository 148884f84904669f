import * as assert from 'assert';
import { DEFAULT_MAX_BYTES, OutputBuffer, OutputSink } from '../../src/kafka/output';

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

import * as assert from 'assert';
import { OutputBuffer, OutputSink } from '../../src/kafka/output';

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
});

import { parseJsonRecord } from './jsonRecord';
import { ParseOptions, SendableRecord } from './records';

/** Turns one message's text into a record, following the format and the key options. */
export function parseRecord(text: string, line: number, options: ParseOptions): SendableRecord {
  if (options.format === 'jsonl') {
    return parseJsonRecord(text, line, options.key);
  }
  const separator = options.keySeparator;
  if (separator) {
    const at = text.indexOf(separator);
    if (at >= 0) {
      return { key: text.slice(0, at), value: text.slice(at + separator.length), line };
    }
  }
  return options.key === undefined ? { value: text, line } : { key: options.key, value: text, line };
}

/** Lines handled between two yields to the event loop: well under 50 ms of work on a slow machine. */
const LINES_PER_SLICE = 2000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Each non-empty line of `text` is one record; `firstLine` is the editor line (1-based) of the text's start.
 * Works in slices and yields between them, so 100,000 lines never block the extension host. A bad line
 * throws a RecordError before anything is returned, so nothing of the run is sent.
 */
export async function parseLines(text: string, firstLine: number, options: ParseOptions, isCancelled: () => boolean = () => false): Promise<SendableRecord[]> {
  const records: SendableRecord[] = [];
  let start = 0;
  let line = firstLine;
  while (start <= text.length) {
    for (let i = 0; i < LINES_PER_SLICE && start <= text.length; i++, line++) {
      let end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length;
      }
      const content = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
      if (content.trim() !== '') {
        records.push(parseRecord(content, line, options));
      }
      start = end + 1;
    }
    if (isCancelled()) {
      return [];
    }
    await yieldToLoop();
  }
  return records;
}

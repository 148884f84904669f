/**
 * The source text of each member of a JSON object, exactly as the user wrote it.
 *
 * JSON.parse turns numbers into doubles, so 12345678901234567890 would come back as 12345678901234567000
 * and 1.10 as 1.1. JSON Lines records are sent as written instead. The line is first validated with the
 * built-in JSON.parse, which is the guarantee of correctness and keeps its error text; this scanner only ever
 * runs on text JSON.parse accepted, so it does not validate anything itself: it finds where each member's
 * value starts and ends. Strings are skipped with their escapes, objects and arrays by counting brackets
 * outside strings, and numbers and literals end at the next delimiter. That is all a valid JSON text needs,
 * which keeps this far smaller than a lossless JSON parser and free of a dependency.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON's whitespace: space, tab, line feed, carriage return (and nothing else). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) {
    at++;
  }
  return at;
}

/** The index just past the string whose opening quote is at `at`. */
function endOfString(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
    } else if (c === QUOTE) {
      return i + 1;
    }
  }
  return text.length;
}

/** The index just past the value that starts at `at`. */
function endOfValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) {
    return endOfString(text, at);
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = endOfString(text, i) - 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
        return i + 1;
      }
    }
    return text.length;
  }
  // A number, true, false or null: it runs up to the next delimiter.
  let i = at;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) {
      break;
    }
    i++;
  }
  return i;
}

/**
 * Each member of the object that starts at the first non-space character of `text`, by name, with its
 * value's source text. A name given twice keeps its last value, as JSON.parse does.
 * `text` must be a JSON object that JSON.parse has accepted.
 */
export function memberSources(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let at = skipSpace(text, 0) + 1;
  at = skipSpace(text, at);
  while (at < text.length && text.charCodeAt(at) === QUOTE) {
    const nameEnd = endOfString(text, at);
    const rawName = text.slice(at + 1, nameEnd - 1);
    const name = rawName.includes('\\') ? (JSON.parse(text.slice(at, nameEnd)) as string) : rawName;
    at = skipSpace(text, nameEnd);
    if (text.charCodeAt(at) !== COLON) {
      break;
    }
    const start = skipSpace(text, at + 1);
    const end = endOfValue(text, start);
    members.set(name, text.slice(start, end));
    at = skipSpace(text, end);
    if (text.charCodeAt(at) === COMMA) {
      at = skipSpace(text, at + 1);
    }
  }
  return members;
}

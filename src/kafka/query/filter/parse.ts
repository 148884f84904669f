import { Clause, FilterError, FilterExpectation, FilterNode, Literal, Operator, Target } from './ast';
import { REGEX_FLAGS, unsafeRegexReason } from './regex';

/**
 * Reads a Message Query filter (grammar in the README, section "Message Query"). A hand-written
 * recursive-descent parser: nothing of the text is ever evaluated as code. Every refusal is a FilterError
 * with the position, what was expected and what was found; nothing else escapes.
 */

export const MAX_FILTER_LENGTH = 10_000;
/** Nested parentheses and `not`s; deeper filters are refused rather than risking the stack. */
export const MAX_FILTER_DEPTH = 64;

/** Words that cannot start a bare field name (write `value.key` or `value["and"]` for such fields). */
export const RESERVED = new Set(['and', 'or', 'not', 'key', 'value', 'header', 'headers', 'contains', 'matches', 'exists', 'true', 'false', 'null']);

/** A name: a letter, `_` or `$`, then letters, digits, `_`, `$` or `-`. Letters of any script. */
export const IDENTIFIER = /^[A-Za-z_$\p{L}][A-Za-z0-9_$\-\p{L}\p{N}]*$/u;
const IDENTIFIER_AT = /[A-Za-z_$\p{L}][A-Za-z0-9_$\-\p{L}\p{N}]*/uy;
const NUMBER_AT = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NAME_CHAR = /[A-Za-z0-9_$\-\p{L}\p{N}]/u;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** Parses a filter; undefined for an empty one (every record matches). Throws FilterError only. */
export function parseFilter(text: string): FilterNode | undefined {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterError(MAX_FILTER_LENGTH, 'smaller', '');
  }
  return new Parser(text).filter();
}

/** `\/` written as `/`: the one spelling a pattern is kept in, whether it came from /…/ or a string. */
export function canonicalPattern(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) {
      out += raw[i + 1] === '/' ? '/' : raw.slice(i, i + 2);
      i++;
    } else {
      out += raw[i];
    }
  }
  return out;
}

/** Compiles a pattern as a filter uses it; throws FilterError at `position` when it is invalid or unsafe. */
export function compileRegex(pattern: string, flags: string, position: number, found: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    throw new FilterError(position, 'validRegex', found, (error as Error).message);
  }
  const unsafe = unsafeRegexReason(pattern);
  if (unsafe) {
    throw new FilterError(position, 'safeRegex', found, unsafe);
  }
  return regex;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  filter(): FilterNode | undefined {
    this.ws();
    if (this.pos >= this.text.length) {
      return undefined;
    }
    const node = this.or();
    this.ws();
    if (this.pos < this.text.length) {
      throw this.fail('andOr');
    }
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword('or')) {
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword('and')) {
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    this.ws();
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw this.fail('smaller');
    }
    try {
      if (this.keyword('not')) {
        return { kind: 'not', operand: this.unary() };
      }
      if (this.text[this.pos] === '(') {
        this.pos++;
        const inner = this.or();
        this.ws();
        if (this.text[this.pos] !== ')') {
          throw this.fail('closeParen');
        }
        this.pos++;
        return inner;
      }
      return this.clause();
    } finally {
      this.depth--;
    }
  }

  private clause(): Clause {
    const target = this.target();
    this.ws();
    const at = this.pos;
    const { op, negated } = this.operator(target);
    const opText = this.text.slice(at, this.pos);
    const byRecord = target.kind !== 'field';
    if (op === 'exists') {
      return { kind: 'clause', target, op, negated };
    }
    if (op === 'matches') {
      return { kind: 'clause', target, op, negated, regex: this.regex() };
    }
    if (byRecord && (op === 'lt' || op === 'le' || op === 'gt' || op === 'ge')) {
      throw new FilterError(at, 'textOperator', opText);
    }
    this.ws();
    const literalAt = this.pos;
    const literal = this.literal();
    const textOnly = op === 'lt' || op === 'le' || op === 'gt' || op === 'ge' || (op === 'contains' && byRecord);
    if (textOnly && literal.kind !== 'string' && literal.kind !== 'number') {
      throw new FilterError(literalAt, 'text', this.text.slice(literalAt, this.pos));
    }
    return { kind: 'clause', target, op, negated, literal };
  }

  private target(): Target {
    this.ws();
    const at = this.pos;
    const word = this.identifier();
    if (word === undefined) {
      throw this.fail('target');
    }
    const lower = word.toLowerCase();
    if (lower === 'key') {
      return { kind: 'key' };
    }
    if (lower === 'value') {
      const path = this.pathTail();
      return path.length > 0 ? { kind: 'field', path } : { kind: 'value' };
    }
    if (lower === 'header' || lower === 'headers') {
      return { kind: 'header', name: this.headerName() };
    }
    if (RESERVED.has(lower)) {
      throw new FilterError(at, 'target', word);
    }
    return { kind: 'field', path: [word, ...this.pathTail()] };
  }

  /** `.name`, `["name"]` and `[0]` segments, written without spaces before the `.` or `[`. */
  private pathTail(): (string | number)[] {
    const path: (string | number)[] = [];
    for (;;) {
      const c = this.text[this.pos];
      if (c === '.') {
        this.pos++;
        path.push(this.dottedName());
      } else if (c === '[') {
        this.pos++;
        this.ws();
        const digits = /[0-9]+/y;
        digits.lastIndex = this.pos;
        const m = digits.exec(this.text);
        if (m && !NAME_CHAR.test(this.text[this.pos + m[0].length] ?? '') && Number.isSafeInteger(Number(m[0]))) {
          this.pos += m[0].length;
          path.push(Number(m[0]));
        } else if (this.text[this.pos] === '"' || this.text[this.pos] === "'") {
          path.push(this.string());
        } else {
          throw this.fail('name');
        }
        this.closeBracket();
      } else {
        return path;
      }
    }
  }

  private headerName(): string {
    const c = this.text[this.pos];
    if (c === '.') {
      this.pos++;
      return this.dottedName();
    }
    if (c === '[') {
      this.pos++;
      this.ws();
      if (this.text[this.pos] !== '"' && this.text[this.pos] !== "'") {
        throw this.fail('name');
      }
      const name = this.string();
      this.closeBracket();
      return name;
    }
    throw this.fail('name');
  }

  private dottedName(): string {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      return this.string();
    }
    const name = this.identifier();
    if (name === undefined) {
      throw this.fail('name');
    }
    return name;
  }

  private closeBracket(): void {
    this.ws();
    if (this.text[this.pos] !== ']') {
      throw this.fail('closeBracket');
    }
    this.pos++;
  }

  private operator(target: Target): { op: Operator; negated: boolean } {
    const wanted: FilterExpectation = target.kind === 'field' ? 'operator' : 'textOperator';
    const at = this.pos;
    if (this.keyword('not')) {
      this.ws();
      for (const op of ['contains', 'matches', 'exists'] as const) {
        if (this.keyword(op)) {
          return { op, negated: true };
        }
      }
      throw this.fail(wanted);
    }
    for (const op of ['contains', 'matches', 'exists'] as const) {
      if (this.keyword(op)) {
        return { op, negated: false };
      }
    }
    const symbols: [string, Operator, boolean][] = [
      ['!=', 'eq', true],
      ['!~', 'matches', true],
      ['==', 'eq', false],
      ['<=', 'le', false],
      ['>=', 'ge', false],
      ['=', 'eq', false],
      ['<', 'lt', false],
      ['>', 'gt', false],
      ['~', 'matches', false],
    ];
    for (const [symbol, op, negated] of symbols) {
      if (this.text.startsWith(symbol, at)) {
        this.pos = at + symbol.length;
        return { op, negated };
      }
    }
    throw this.fail(wanted);
  }

  private literal(): Literal {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      return { kind: 'string', value: this.string() };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER_AT.lastIndex = this.pos;
      const m = NUMBER_AT.exec(this.text);
      if (!m || NAME_CHAR.test(this.text[this.pos + m[0].length] ?? '') || this.text[this.pos + m[0].length] === '.') {
        throw this.fail('literal');
      }
      this.pos += m[0].length;
      return { kind: 'number', text: m[0] };
    }
    const at = this.pos;
    const word = this.identifier()?.toLowerCase();
    if (word === 'true' || word === 'false') {
      return { kind: 'boolean', value: word === 'true' };
    }
    if (word === 'null') {
      return { kind: 'null' };
    }
    this.pos = at;
    throw this.fail('literal');
  }

  /** `/pattern/flags` or a string holding the pattern. */
  private regex(): { pattern: string; flags: string } {
    this.ws();
    const at = this.pos;
    const c = this.text[at];
    if (c === '"' || c === "'") {
      const pattern = canonicalPattern(this.string());
      compileRegex(pattern, '', at, this.text.slice(at, this.pos));
      return { pattern, flags: '' };
    }
    if (c !== '/') {
      throw this.fail('regex');
    }
    let i = at + 1;
    let inClass = false;
    for (;;) {
      const ch = this.text[i];
      if (ch === undefined || LINE_TERMINATOR.test(ch)) {
        this.pos = i;
        throw this.fail('regexEnd');
      }
      if (ch === '\\') {
        if (this.text[i + 1] === undefined || LINE_TERMINATOR.test(this.text[i + 1])) {
          this.pos = i + 1;
          throw this.fail('regexEnd');
        }
        i += 2;
        continue;
      }
      if (ch === '[') {
        inClass = true;
      } else if (ch === ']') {
        inClass = false;
      } else if (ch === '/' && !inClass) {
        break;
      }
      i++;
    }
    const pattern = canonicalPattern(this.text.slice(at + 1, i));
    this.pos = i + 1;
    const flagsAt = this.pos;
    const flags = this.identifier() ?? '';
    if ([...flags].some((f, n) => !REGEX_FLAGS.includes(f) || flags.indexOf(f) !== n)) {
      this.pos = flagsAt;
      throw new FilterError(flagsAt, 'regexFlags', flags);
    }
    compileRegex(pattern, flags, at, this.text.slice(at, this.pos));
    return { pattern, flags };
  }

  /** A string in double or single quotes, with JSON's escapes (and \' ). */
  private string(): string {
    const quote = this.text[this.pos];
    let i = this.pos + 1;
    let out = '';
    for (;;) {
      const ch = this.text[i];
      if (ch === undefined) {
        this.pos = i;
        throw this.fail('stringEnd');
      }
      if (ch === quote) {
        this.pos = i + 1;
        return out;
      }
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const e = this.text[i + 1];
      if (e !== undefined && e in SIMPLE_ESCAPES && (e !== "'" || quote === "'")) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
      } else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(this.text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.pos = i;
        throw new FilterError(i, 'escape', this.text.slice(i, i + 2));
      }
    }
  }

  private identifier(): string | undefined {
    IDENTIFIER_AT.lastIndex = this.pos;
    const m = IDENTIFIER_AT.exec(this.text);
    if (!m) {
      return undefined;
    }
    this.pos += m[0].length;
    return m[0];
  }

  /** Consumes `word` (any case) when it is the next whole word. */
  private keyword(word: string): boolean {
    this.ws();
    IDENTIFIER_AT.lastIndex = this.pos;
    const m = IDENTIFIER_AT.exec(this.text);
    if (m && m[0].toLowerCase() === word) {
      this.pos += m[0].length;
      return true;
    }
    return false;
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos])) {
      this.pos++;
    }
  }

  /** The token at the current position, for error messages: a word, a number, or one character. */
  private found(): string {
    IDENTIFIER_AT.lastIndex = this.pos;
    const word = IDENTIFIER_AT.exec(this.text);
    if (word) {
      return word[0];
    }
    NUMBER_AT.lastIndex = this.pos;
    const number = NUMBER_AT.exec(this.text);
    if (number) {
      return number[0];
    }
    const cp = this.text.codePointAt(this.pos);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private fail(expected: FilterExpectation): FilterError {
    return new FilterError(this.pos, expected, this.found());
  }
}

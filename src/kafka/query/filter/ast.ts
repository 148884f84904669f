/**
 * The Message Query filter, as parsed. The grammar and the meaning of each clause are in the README
 * (section "Message Query"); parse.ts reads this from text, print.ts writes it back, match.ts evaluates it.
 */

/** What a clause looks at: the record's key, its value, one header, or a field of a JSON value. */
export type Target =
  | { kind: 'key' }
  | { kind: 'value' }
  | { kind: 'header'; name: string }
  /** A path into the value parsed as JSON: member names (strings) and array indexes (numbers). */
  | { kind: 'field'; path: (string | number)[] };

/** A number keeps its source text, so `1.50` prints back as written and compares as 1.5. */
export type Literal = { kind: 'string'; value: string } | { kind: 'number'; text: string } | { kind: 'boolean'; value: boolean } | { kind: 'null' };

export type Operator = 'contains' | 'matches' | 'eq' | 'lt' | 'le' | 'gt' | 'ge' | 'exists';

/**
 * One comparison. `negated` is the exact negation of the positive form (`!=`, `not contains`,
 * `not matches`, `not exists`); only contains, matches, eq and exists can be negated.
 */
export type Clause =
  | { kind: 'clause'; target: Target; op: 'contains' | 'eq' | 'lt' | 'le' | 'gt' | 'ge'; negated: boolean; literal: Literal }
  | { kind: 'clause'; target: Target; op: 'matches'; negated: boolean; regex: { pattern: string; flags: string } }
  | { kind: 'clause'; target: Target; op: 'exists'; negated: boolean };

export type FilterNode = Clause | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode } | { kind: 'not'; operand: FilterNode };

/** What the parser wanted where it stopped; the VS Code side turns each into a localized sentence. */
export type FilterExpectation =
  /** key, value, header.<name> or a field name such as status or user.id */
  | 'target'
  /** contains, not contains, matches, not matches, =, !=, <, <=, >, >=, exists, not exists */
  | 'operator'
  /** contains, matches, =, != or exists: the operators a key, a value or a header takes */
  | 'textOperator'
  /** a string, a number, true, false or null */
  | 'literal'
  /** a string or a number (what contains takes) */
  | 'text'
  /** a regular expression /…/flags or a string */
  | 'regex'
  /** a header or field name after `.`, or a string or an index in `[…]` */
  | 'name'
  /** `)` */
  | 'closeParen'
  /** `]` */
  | 'closeBracket'
  /** and, or, or the end of the filter */
  | 'andOr'
  /** the closing quote of a string */
  | 'stringEnd'
  /** the closing `/` of a regular expression */
  | 'regexEnd'
  /** a valid escape: \" \\ \/ \b \f \n \r \t \uXXXX (and \' in single quotes) */
  | 'escape'
  /** a valid regular expression (detail holds the engine's reason) */
  | 'validRegex'
  /** a regular expression without nested repetition or back-references (see README) */
  | 'safeRegex'
  /** flags among i, m, s, u */
  | 'regexFlags'
  /** a shorter filter, or fewer nested parentheses */
  | 'smaller';

/** The one error the filter parser throws: where (0-based character index), what it wanted, what it found. */
export class FilterError extends Error {
  constructor(
    readonly position: number,
    readonly expected: FilterExpectation,
    /** The text found there, or '' at the end of the filter. */
    readonly found: string,
    /** More about it, such as the regular-expression engine's own message. */
    readonly detail?: string,
  ) {
    super(`filter, column ${position + 1}: expected ${EXPECTED_TEXT[expected]}, found ${found === '' ? 'the end of the filter' : JSON.stringify(found)}${detail ? ` (${detail})` : ''}`);
    this.name = 'FilterError';
  }
}

/** English for log lines and tests; the VS Code side localizes `expected` itself. */
const EXPECTED_TEXT: Record<FilterExpectation, string> = {
  target: 'key, value, header.<name> or a field name',
  operator: 'contains, not contains, matches, not matches, =, !=, <, <=, >, >=, exists or not exists',
  textOperator: 'contains, not contains, matches, not matches, =, !=, exists or not exists',
  literal: 'a string, a number, true, false or null',
  text: 'a string or a number',
  regex: 'a regular expression /…/ or a string',
  name: 'a name',
  closeParen: '")"',
  closeBracket: '"]"',
  andOr: 'and, or, or the end of the filter',
  stringEnd: 'the closing quote',
  regexEnd: 'the closing "/"',
  escape: 'a valid escape',
  validRegex: 'a valid regular expression',
  safeRegex: 'a regular expression without nested repetition or back-references',
  regexFlags: 'flags among i, m, s, u',
  smaller: 'a shorter filter',
};

import { isUtf8 } from 'buffer';
import { Clause, FilterNode, Literal, Target } from './ast';
import { compileRegex } from './parse';

/** A header of a record: a name can repeat, and a value can be null. */
export interface FilterHeader {
  name: string;
  value: Buffer | null;
}

/** What a filter looks at in a record. */
export interface FilterRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly FilterHeader[];
}

export type RecordPredicate = (record: FilterRecord) => boolean;

/** The per-record work a filter shares between its clauses: the value parsed as JSON, once. */
class Evaluation {
  private json: unknown = UNPARSED;
  constructor(readonly record: FilterRecord) {}

  /** The value as JSON, or NOT_JSON when it is absent, not UTF-8, or not an object or array. */
  parsed(): unknown {
    if (this.json === UNPARSED) {
      this.json = parseJson(this.record.value);
    }
    return this.json;
  }
}

const UNPARSED = Symbol('unparsed');
const NOT_JSON = Symbol('not JSON');
const MISSING = Symbol('missing');

function parseJson(value: Buffer | null): unknown {
  if (value === null) {
    return NOT_JSON;
  }
  // A field needs an object or an array: skip the parse for anything that cannot be one.
  let i = 0;
  while (i < value.length && (value[i] === 0x20 || value[i] === 0x09 || value[i] === 0x0a || value[i] === 0x0d)) {
    i++;
  }
  if (value[i] !== 0x7b && value[i] !== 0x5b) {
    return NOT_JSON;
  }
  if (!isUtf8(value)) {
    return NOT_JSON;
  }
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

/**
 * Text a regular expression sees for a key, value or header: the UTF-8 text when the bytes are valid UTF-8,
 * otherwise the bytes as Latin-1, one character U+0000–U+00FF per byte (so /\xff\x00/ finds the bytes FF 00).
 */
export function regexText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

type Compiled = (e: Evaluation) => boolean;

/** The predicate a filter stands for; undefined (an empty filter) matches every record. */
export function compileFilter(node: FilterNode | undefined): RecordPredicate {
  if (node === undefined) {
    return () => true;
  }
  const root = compile(node);
  return (record) => root(new Evaluation(record));
}

function compile(node: FilterNode): Compiled {
  switch (node.kind) {
    case 'and': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (e) => left(e) && right(e);
    }
    case 'or': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (e) => left(e) || right(e);
    }
    case 'not': {
      const operand = compile(node.operand);
      return (e) => !operand(e);
    }
    case 'clause': {
      const positive = node.target.kind === 'field' ? fieldClause(node.target.path, node) : bytesClause(node.target, node);
      return node.negated ? (e) => !positive(e) : positive;
    }
  }
}

/** The text a literal stands for when compared with bytes: a number as written, true/false as words. */
function literalText(l: Literal): string | null {
  switch (l.kind) {
    case 'string':
      return l.value;
    case 'number':
      return l.text;
    case 'boolean':
      return String(l.value);
    case 'null':
      return null;
  }
}

/** The byte strings a clause on a key, a value or a header looks at (a header can repeat, or be absent). */
function bytesOf(target: Exclude<Target, { kind: 'field' }>): (r: FilterRecord) => (Buffer | null)[] | undefined {
  switch (target.kind) {
    case 'key':
      return (r) => [r.key];
    case 'value':
      return (r) => [r.value];
    case 'header': {
      const name = target.name;
      return (r) => {
        let found: (Buffer | null)[] | undefined;
        for (const h of r.headers) {
          if (h.name === name) {
            (found ??= []).push(h.value);
          }
        }
        return found;
      };
    }
  }
}

function bytesClause(target: Exclude<Target, { kind: 'field' }>, clause: Clause): Compiled {
  const get = bytesOf(target);
  const some = (test: (b: Buffer | null) => boolean): Compiled => {
    if (target.kind !== 'header') {
      const pick = target.kind === 'key' ? (r: FilterRecord) => r.key : (r: FilterRecord) => r.value;
      return (e) => test(pick(e.record));
    }
    return (e) => get(e.record)?.some(test) ?? false;
  };
  switch (clause.op) {
    case 'exists':
      return target.kind === 'header' ? (e) => get(e.record) !== undefined : some((b) => b !== null);
    case 'contains': {
      const needle = Buffer.from(literalText(clause.literal) ?? '', 'utf8');
      return some((b) => b !== null && b.indexOf(needle) >= 0);
    }
    case 'eq': {
      const text = literalText(clause.literal);
      if (text === null) {
        return some((b) => b === null);
      }
      const wanted = Buffer.from(text, 'utf8');
      return some((b) => b !== null && b.equals(wanted));
    }
    case 'matches': {
      const regex = compileRegex(clause.regex.pattern, clause.regex.flags, 0, '');
      return some((b) => b !== null && regex.test(regexText(b)));
    }
    default:
      // The parser refuses ordering operators on keys, values and headers.
      return () => false;
  }
}

function resolve(json: unknown, path: readonly (string | number)[]): unknown {
  let at = json;
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Array.isArray(at) || part >= at.length) {
        return MISSING;
      }
      at = at[part];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, part)) {
        return MISSING;
      }
      at = (at as Record<string, unknown>)[part];
    }
  }
  return at;
}

/** JSON equality with a literal: same type and value (numbers as doubles); objects and arrays never equal. */
function equalsLiteral(v: unknown, l: Literal): boolean {
  switch (l.kind) {
    case 'string':
      return v === l.value;
    case 'number':
      return typeof v === 'number' && v === Number(l.text);
    case 'boolean':
      return v === l.value;
    case 'null':
      return v === null;
  }
}

function fieldClause(path: readonly (string | number)[], clause: Clause): Compiled {
  const field = (e: Evaluation) => {
    const json = e.parsed();
    return json === NOT_JSON ? MISSING : resolve(json, path);
  };
  switch (clause.op) {
    case 'exists':
      return (e) => field(e) !== MISSING;
    case 'matches': {
      const regex = compileRegex(clause.regex.pattern, clause.regex.flags, 0, '');
      return (e) => {
        const v = field(e);
        return typeof v === 'string' && regex.test(v);
      };
    }
    case 'eq': {
      const l = clause.literal;
      return (e) => equalsLiteral(field(e), l);
    }
    case 'contains': {
      const l = clause.literal;
      const text = literalText(l);
      return (e) => {
        const v = field(e);
        if (typeof v === 'string') {
          return text !== null && l.kind !== 'boolean' && v.includes(text);
        }
        return Array.isArray(v) && v.some((item) => equalsLiteral(item, l));
      };
    }
    default: {
      const l = clause.literal;
      const op = clause.op;
      const wanted = l.kind === 'number' ? Number(l.text) : l.kind === 'string' ? l.value : undefined;
      return (e) => {
        const v = field(e);
        if (wanted === undefined || typeof v !== typeof wanted) {
          return false;
        }
        const a = v as number | string;
        switch (op) {
          case 'lt':
            return a < wanted;
          case 'le':
            return a <= wanted;
          case 'gt':
            return a > wanted;
          case 'ge':
            return a >= wanted;
        }
      };
    }
  }
}

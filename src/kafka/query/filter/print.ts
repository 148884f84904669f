import { Clause, FilterNode, Literal, Target } from './ast';
import { IDENTIFIER, RESERVED } from './parse';

/**
 * Writes a filter back as text, in one canonical spelling: lower-case keywords, double-quoted strings,
 * `/pattern/flags`, and only the parentheses the precedence (not, then and, then or) needs.
 * parseFilter(printFilter(node)) gives `node` back.
 */
export function printFilter(node: FilterNode | undefined): string {
  return node === undefined ? '' : print(node);
}

/** Characters an editor may break a line on or hide; written as \u escapes inside strings. */
const UNSAFE_IN_STRING = /[\u007f-\u009f\u2028\u2029]/g;

function quote(text: string): string {
  return JSON.stringify(text).replace(UNSAFE_IN_STRING, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const PRECEDENCE = { or: 1, and: 2 } as const;

function print(node: FilterNode): string {
  switch (node.kind) {
    case 'clause':
      return clause(node);
    case 'not':
      return `not ${node.operand.kind === 'and' || node.operand.kind === 'or' ? `(${print(node.operand)})` : print(node.operand)}`;
    default: {
      const own = PRECEDENCE[node.kind];
      const side = (child: FilterNode, right: boolean) => {
        const p = child.kind === 'and' || child.kind === 'or' ? PRECEDENCE[child.kind] : 3;
        return p < own || (right && p === own) ? `(${print(child)})` : print(child);
      };
      return `${side(node.left, false)} ${node.kind} ${side(node.right, true)}`;
    }
  }
}

function segment(part: string | number): string {
  if (typeof part === 'number') {
    return `[${part}]`;
  }
  return IDENTIFIER.test(part) ? `.${part}` : `[${quote(part)}]`;
}

export function printTarget(target: Target): string {
  switch (target.kind) {
    case 'key':
    case 'value':
      return target.kind;
    case 'header':
      return `header${segment(target.name)}`;
    case 'field': {
      const [first, ...rest] = target.path;
      const head = typeof first === 'string' && IDENTIFIER.test(first) && !RESERVED.has(first.toLowerCase()) ? first : `value${segment(first)}`;
      return head + rest.map(segment).join('');
    }
  }
}

function literal(l: Literal): string {
  switch (l.kind) {
    case 'string':
      return quote(l.value);
    case 'number':
      return l.text;
    case 'boolean':
      return String(l.value);
    case 'null':
      return 'null';
  }
}

/** `/pattern/flags`, escaping each `/` the pattern holds; a pattern with a line break (from a string) as a string. */
function regex(pattern: string, flags: string): string {
  if (/[\n\r\u2028\u2029]/.test(pattern) && flags === '') {
    return quote(pattern);
  }
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\' && i + 1 < pattern.length) {
      out += pattern.slice(i, i + 2);
      i++;
    } else {
      out += pattern[i] === '/' ? '\\/' : pattern[i];
    }
  }
  return `/${out}/${flags}`;
}

const SYMBOL = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

function clause(c: Clause): string {
  const target = printTarget(c.target);
  switch (c.op) {
    case 'exists':
      return `${target} ${c.negated ? 'not exists' : 'exists'}`;
    case 'matches':
      return `${target} ${c.negated ? 'not matches' : 'matches'} ${regex(c.regex.pattern, c.regex.flags)}`;
    case 'contains':
      return `${target} ${c.negated ? 'not contains' : 'contains'} ${literal(c.literal)}`;
    case 'eq':
      return `${target} ${c.negated ? '!=' : '='} ${literal(c.literal)}`;
    default:
      return `${target} ${SYMBOL[c.op]} ${literal(c.literal)}`;
  }
}

/**
 * Regular expressions in filters. They run in the scan's worker thread, never on the editor's, and only
 * with the flags i, m, s and u (g and y make a RegExp stateful). Patterns that can backtrack
 * exponentially are refused before anything is read: a repeated group that itself holds a repetition,
 * such as `(a+)+` or `(\w*x){10}`, and back-references (`\1`, `\k<name>`). What this check misses (for
 * example `(a|a)*`, or `.*.*.*x` on a long value) is bounded by the scan's time budget, which ends the
 * worker thread even in the middle of one match.
 */

export const REGEX_FLAGS = 'imsu';
/** Longer patterns are refused: no one types them, and they are where pathological cases hide. */
export const MAX_PATTERN_LENGTH = 1000;

/** Whether the quantifier at `at` (if any) lets its atom occur more than once; returns its length too. */
function quantifierAt(pattern: string, at: number): { length: number; repeats: boolean } {
  const c = pattern[at];
  let length = 0;
  let repeats = false;
  if (c === '*' || c === '+') {
    length = 1;
    repeats = true;
  } else if (c === '?') {
    length = 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at, at + 24));
    if (m) {
      length = m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      repeats = max >= 2;
    }
  }
  if (length > 0 && pattern[at + length] === '?') {
    length++; // lazy
  }
  return { length, repeats };
}

/** Length of the escape starting with the backslash at `at`, or a reason to refuse it. */
function escapeAt(pattern: string, at: number): number | 'backReference' {
  const next = pattern[at + 1];
  if (next !== undefined && next >= '1' && next <= '9') {
    return 'backReference';
  }
  if (next === 'k' && pattern[at + 2] === '<') {
    return 'backReference';
  }
  if ((next === 'u' || next === 'p' || next === 'P') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    return close < 0 ? 2 : close + 1 - at;
  }
  return 2;
}

/** The end (index after `]`) of the character class opening at `at`. */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  while (i < pattern.length && pattern[i] !== ']') {
    i += pattern[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/**
 * Why a (syntactically valid) pattern is refused: 'nestedRepetition', 'backReference' or 'tooLong';
 * undefined when it is accepted.
 */
export function unsafeRegexReason(pattern: string): 'nestedRepetition' | 'backReference' | 'tooLong' | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return 'tooLong';
  }
  /** Per open group: whether something inside it repeats. */
  const groups: boolean[] = [false];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    let atomEnd: number;
    let innerRepeats = false;
    if (c === '\\') {
      const length = escapeAt(pattern, i);
      if (length === 'backReference') {
        return 'backReference';
      }
      atomEnd = i + length;
    } else if (c === '[') {
      atomEnd = classEnd(pattern, i);
    } else if (c === '(') {
      groups.push(false);
      i++;
      if (pattern[i] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>: skip the marker, it is not a quantifier.
        const named = /^\?(?::|=|!|<=|<!|<[^>]*>)/.exec(pattern.slice(i, i + 64));
        i += named ? named[0].length : 1;
      }
      continue;
    } else if (c === ')') {
      innerRepeats = groups.length > 1 ? (groups.pop() as boolean) : false;
      atomEnd = i + 1;
    } else {
      atomEnd = i + 1;
    }
    const q = quantifierAt(pattern, atomEnd);
    if (q.repeats && innerRepeats) {
      return 'nestedRepetition';
    }
    if (q.repeats || innerRepeats) {
      groups[groups.length - 1] = true;
    }
    i = atomEnd + q.length;
  }
  return undefined;
}

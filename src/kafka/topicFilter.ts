/**
 * Topic filters such as `orders-*, audit.?`: comma-separated globs in which `*` matches any run of
 * characters (none included) and `?` exactly one; every other character stands for itself. Matching is
 * case-sensitive, like Kafka's topic names, and counts UTF-16 code units, as JavaScript strings do.
 *
 * Matching never backtracks. A glob is cut at its stars into pieces. The first piece must start the name
 * and the last must end it; the pieces between are found left to right, each at the first place it fits
 * after the one before. Taking the first place is always right: any later place leaves less room for the
 * pieces that follow. A piece is found with a bit-parallel automaton (shift-and) that reads each character
 * once and tracks every partial match at the same time, so every character of the name is read at most
 * once per glob, at a cost of one machine word per 32 characters of the piece being looked for.
 */

/** One piece of a glob between two stars; `?` matches any one character. */
class Piece {
  readonly length: number;
  private readonly words: number;
  /** The positions of `?`: they accept every character. */
  private readonly any: Uint32Array;
  /** Per character code, the positions that accept it (its own and those of `?`). */
  private readonly masks = new Map<number, Uint32Array>();

  constructor(private readonly text: string) {
    this.length = text.length;
    this.words = Math.max(1, Math.ceil(text.length / 32));
    this.any = new Uint32Array(this.words);
    for (let j = 0; j < text.length; j++) {
      if (text[j] === '?') {
        this.any[j >>> 5] |= 1 << (j & 31);
      }
    }
    for (let j = 0; j < text.length; j++) {
      if (text[j] !== '?') {
        const code = text.charCodeAt(j);
        let mask = this.masks.get(code);
        if (!mask) {
          mask = Uint32Array.from(this.any);
          this.masks.set(code, mask);
        }
        mask[j >>> 5] |= 1 << (j & 31);
      }
    }
  }

  /** Whether the piece matches the name at `at` (the caller checks that it fits in the name). */
  fitsAt(name: string, at: number): boolean {
    for (let j = 0; j < this.length; j++) {
      if (this.text[j] !== '?' && name.charCodeAt(at + j) !== this.text.charCodeAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The first index ≥ `from` where the piece matches and ends at or before `end`; -1 when there is none. */
  find(name: string, from: number, end: number): number {
    const state = new Uint32Array(this.words);
    const lastWord = (this.length - 1) >>> 5;
    const lastBit = 1 << ((this.length - 1) & 31);
    for (let i = from; i < end; i++) {
      const mask = this.masks.get(name.charCodeAt(i)) ?? this.any;
      // Bit j set: the piece's first j+1 characters end at i. Shift in a new start, keep what still matches.
      let carry = 1;
      for (let w = 0; w < this.words; w++) {
        const before = state[w];
        state[w] = ((before << 1) | carry) & mask[w];
        carry = before >>> 31;
      }
      if (state[lastWord] & lastBit) {
        return i - this.length + 1;
      }
    }
    return -1;
  }
}

/** One glob, cut at its stars. */
class Glob {
  private readonly first: Piece;
  private readonly middle: Piece[];
  private readonly last: Piece | undefined;

  constructor(pattern: string) {
    const pieces = pattern.split('*');
    this.first = new Piece(pieces[0]);
    this.last = pieces.length > 1 ? new Piece(pieces[pieces.length - 1]) : undefined;
    this.middle = pieces
      .slice(1, -1)
      .filter((p) => p !== '')
      .map((p) => new Piece(p));
  }

  matches(name: string): boolean {
    const { first, last } = this;
    if (!last) {
      return name.length === first.length && first.fitsAt(name, 0);
    }
    const end = name.length - last.length;
    if (end < first.length || !first.fitsAt(name, 0)) {
      return false;
    }
    let at = first.length;
    for (const piece of this.middle) {
      const found = piece.find(name, at, end);
      if (found < 0) {
        return false;
      }
      at = found + piece.length;
    }
    return last.fitsAt(name, end);
  }
}

/**
 * Compiles a filter into a test of topic names. An empty filter (or only commas and blanks) matches
 * everything; spaces around each glob are ignored.
 */
export function compileTopicFilter(filter: string | undefined): (name: string) => boolean {
  const globs = (filter ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => new Glob(p));
  if (globs.length === 0) {
    return () => true;
  }
  return (name) => globs.some((g) => g.matches(name));
}

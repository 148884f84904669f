/** How a column's cells line up. */
export type Align = 'left' | 'right';

/**
 * A Markdown table whose columns are padded to one width, so that it reads as well in the editor as
 * rendered. Cells are plain text: `|` and backslashes are escaped, line breaks become spaces.
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const clean = (cell: string) => cell.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const head = headers.map(clean);
  const body = rows.map((r) => headers.map((_, i) => clean(r[i] ?? '')));
  const widths = head.map((h, i) => Math.max(3, width(h), ...body.map((r) => width(r[i]))));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i] - width(cell));
    return align[i] === 'right' ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** Display width: CJK and other wide characters take two columns in a monospace editor font. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    n += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) || (code >= 0x20000 && code <= 0x3fffd) ? 2 : 1;
  }
  return n;
}

/** Tables and wrapped text for the CLI's human-readable output (numbers come from src/shared/formatNumber.ts). */

/** Narrowest a text column is squeezed to when a table must fit a width. */
const MIN_COLUMN = 12;

/**
 * Left-aligned columns separated by two spaces; numbers are right-aligned.
 * With `maxWidth`, the widest text columns are narrowed until the table fits and
 * their cells wrap onto further lines (numbers never wrap).
 */
export function table(header: string[], rows: string[][], options: { maxWidth?: number } = {}): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map(
    (_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+(e[-+]?\d+)?%?$|^—$/.test(r[c] ?? '')),
  );
  if (options.maxWidth !== undefined) fitWidths(widths, numeric, options.maxWidth);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const lines = (cells: string[]) => {
    const wrapped = cells.map((cell, c) =>
      numeric[c] || cell.length <= widths[c] ? [cell] : wrapText(cell, widths[c]),
    );
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => line(wrapped.map((w) => w[k] ?? '')));
  };
  return [...lines(header), ...rows.flatMap(lines)].join('\n');
}

/** Narrows the widest text column, one character at a time, until the columns and their gaps fit. */
function fitWidths(widths: number[], numeric: readonly boolean[], maxWidth: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    widths.forEach((w, c) => {
      if (!numeric[c] && w > MIN_COLUMN && (widest < 0 || w > widths[widest])) widest = c;
    });
    if (widest < 0) return;
    widths[widest] -= 1;
  }
}

/**
 * Breaks text into lines of at most `width` characters at spaces; a word longer
 * than a line is cut after its last '/' in reach (paths), else at the width.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/ +/)) {
    while (word.length > width) {
      if (line.length > 0) {
        lines.push(line);
        line = '';
      }
      const slash = word.lastIndexOf('/', width - 1);
      const cut = slash > 0 ? slash + 1 : width;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

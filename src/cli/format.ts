/** Number and table formatting shared by the CLI's human-readable output. */
export function fmtNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(Math.max(1, digits - 2));
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Three significant digits in exponent form (1.23e-7); zero and non-finite values as String() writes them. */
export function fmtSci(value: number): string {
  return Number.isFinite(value) && value !== 0 ? value.toExponential(2) : String(value);
}

export function fmtInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function fmtSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Narrowest a text column is squeezed to when a table must fit a width. */
const MIN_COLUMN = 12;

/**
 * Left-aligned columns separated by two spaces; numbers are right-aligned.
 * With `maxWidth`, the widest text columns are narrowed until the table fits and
 * their cells wrap onto further lines (numbers never wrap).
 */
export function table(header: string[], rows: string[][], options: { maxWidth?: number } = {}): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+(e[-+]?\d+)?%?$|^—$/.test(r[c] ?? '')));
  if (options.maxWidth !== undefined) fitWidths(widths, numeric, options.maxWidth);
  const line = (cells: string[]) => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const lines = (cells: string[]) => {
    const wrapped = cells.map((cell, c) => (numeric[c] || cell.length <= widths[c] ? [cell] : wrapText(cell, widths[c])));
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
    widths.forEach((w, c) => { if (!numeric[c] && w > MIN_COLUMN && (widest < 0 || w > widths[widest])) widest = c; });
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
      if (line.length > 0) { lines.push(line); line = ''; }
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

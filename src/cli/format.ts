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

/** Left-aligned columns separated by two spaces; numbers are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+(e[-+]?\d+)?%?$|^—$/.test(r[c] ?? '')));
  const line = (cells: string[]) => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

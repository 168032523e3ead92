/**
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled.
 * Numbers keep full precision (String(v)), so NaN and Infinity stay readable.
 *
 * @example
 *   toCsv(['layer', 'kappa'], [[1, 12.5], [2, Infinity]]) // "layer,kappa\r\n1,12.5\r\n2,Infinity\r\n"
 */
export type CsvCell = string | number | boolean | null;

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length)
      throw new RangeError(`toCsv: row ${i} has ${row.length} cells, the header has ${header.length}`);
  }
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: CsvCell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

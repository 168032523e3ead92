/**
 * A number with 3 significant digits for sentences in reports: 0.0357, 2.21e-7,
 * 4.2e+5 becomes 4.2e5, and non-finite values as words people read.
 *
 * @example
 *   formatValue(0.035712);   // '0.0357'
 *   formatValue(420000);     // '4.2e5'
 *   formatValue(Infinity);   // '∞'
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'undefined (NaN)';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(3)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A share as a percentage for sentences: 0.034 → '3.4%', 1 → '100%'. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return formatValue(share);
  return `${Number((share * 100).toPrecision(3))}%`;
}

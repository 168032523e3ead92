/**
 * Numbers as people read them in a tree or a status bar: a few significant
 * digits, exponent notation for very large or small magnitudes, and words for
 * the values a diverged network produces.
 *
 * @example formatNumber(1234.5678) === '1235'; formatNumber(3.2e-7) === '3.2e-7'; formatNumber(Infinity) === '∞'
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const rounded = Number(x.toPrecision(digits));
  const magnitude = Math.abs(rounded);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = x.toExponential(Math.max(0, digits - 2)).split('e');
    return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  // toPrecision writes an exponent once the whole part has more digits than asked for ("2.309e+4").
  return magnitude >= 10 ** digits ? String(rounded) : trimZeros(x.toPrecision(digits));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Whole numbers with thousands separators, e.g. 1,234 samples/s. */
export function formatCount(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : formatNumber(x);
}

/** A duration in seconds as "42 s", "3 min 5 s" or "2 h 4 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

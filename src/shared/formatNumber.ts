/**
 * The one way numbers are written for people, in every view: the Runs tree, the
 * CLI's tables, the webviews, the report and the analysis's own sentences. A
 * figure read in one place must read the same in another (κ = 5.3e8 had been
 * `5.3e8`, `5.3e+8` or `5.30e+8` depending on the view).
 *
 * Three significant digits; exponent form, without "+" or trailing zeros,
 * outside [1e-3, 1e5), so a plain number has at most five digits and needs no
 * thousands separators (counts, which can be longer, have formatCount); words
 * for the values a diverged network produces.
 */

export interface NumberFormat {
  /** Significant digits; 3 unless a figure needs fewer (a spread over seeds). */
  readonly digits?: number;
}

/**
 * Digits for the figures a person reads epoch against epoch (training and test
 * losses, bits/dim): a flow's training moves them in the fourth digit (test
 * 1.4389 → 1.4360 bits/dim, −3,583.9 → −3,585.8 nats), which three digits hide.
 */
export const EPOCH_DIGITS: NumberFormat = { digits: 5 };

/** Below this magnitude, and from PLAIN_MAX on, numbers are written in exponent form. */
const PLAIN_MIN = 1e-3;
const PLAIN_MAX = 1e5;

/**
 * @example
 *   formatNumber(0.035712);                   // '0.0357'
 *   formatNumber(5.3e8);                      // '5.3e8'
 *   formatNumber(12345);                      // '12300'
 *   formatNumber(-Infinity);                  // '−∞'
 */
export function formatNumber(value: number, format: NumberFormat = {}): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const digits = format.digits ?? 3;
  // The form is decided on the rounded value: 99996 is 1.00e5 to three digits, written '1e5', not '100000'.
  const rounded = Number(value.toPrecision(digits));
  const magnitude = Math.abs(rounded);
  if (magnitude >= PLAIN_MIN && magnitude < PLAIN_MAX) {
    return String(rounded);
  }
  return value
    .toExponential(digits - 1)
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

/**
 * A share as a percentage: 0.034 → '3.4%', 0.9812 → '98.1%', 1 → '100%'. A share
 * short of all never reads as all: 0.99996 → '>99.9%'.
 */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return formatNumber(share);
  const text = formatNumber(share * 100);
  return text === '100' && share < 1 ? '>99.9%' : `${text}%`;
}

/** Whole numbers with thousands separators: 1234.4 → '1,234' (samples/s, images). */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : formatNumber(value);
}

/** Decibels: 31.25 → '31.3 dB'. */
export function formatDecibels(value: number): string {
  return `${formatNumber(value)} dB`;
}

/**
 * κ, or "> bound" when σmin is beyond what float64 resolves next to σmax and
 * `cond` is only a lower bound (the analyses store the bound, 4.5e15).
 *
 * @example formatCondition(4.5e15, false) === '> 4.5e15'
 */
export function formatCondition(cond: number, resolvable: boolean | undefined): string {
  return resolvable === false ? `> ${formatNumber(cond)}` : formatNumber(cond);
}

/** A duration in seconds: '0.412 s', '42.1 s', '3 min 5 s', '2 h 4 min'; '—' when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 59.95) return `${formatNumber(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

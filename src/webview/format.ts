/**
 * Number formatting shared by axes, tooltips, captions and aria labels, so a value
 * reads the same everywhere it appears.
 *
 * @example
 *   formatNumber(12345.678) // "1.23e+4"
 *   formatNumber(0.5)       // "0.5"
 *   formatNumber(NaN)       // "NaN"
 */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  if (value === 0) return '0';
  // toPrecision switches to exponent form at the same magnitudes as d3's "g";
  // trailing zeros of the mantissa carry no information, so they go.
  const text = value.toPrecision(digits);
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** κ as a figure, or '> bound (not resolvable in float64)' when σmin is beyond what float64 resolves. */
export function formatCondition(cond: number, resolvable: boolean | undefined): string {
  return resolvable === false ? `> ${formatNumber(cond)} (not resolvable in float64)` : formatNumber(cond);
}

/** A share in [0, 1] as a percentage with one decimal: 0.9812 → "98.1%". */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  return `${(value * 100).toFixed(1)}%`;
}

/** Decibels with one decimal: 31.25 → "31.3 dB". */
export function formatDecibels(value: number): string {
  if (!Number.isFinite(value)) return `${formatNumber(value)} dB`;
  return `${value.toFixed(1)} dB`;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** 1000 → "10³", 1e-6 → "10⁻⁶"; for log-axis ticks, which only label powers of ten. */
export function formatPowerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return `10${String(exponent).split('').map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** The δ values of the amplification study, written as people write them: 1e-3. */
export function formatDelta(value: number): string {
  const exponent = Math.log10(value);
  if (Number.isInteger(Math.round(exponent * 1e6) / 1e6)) return `1e${Math.round(exponent)}`;
  return formatNumber(value);
}

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

/** The digits of a number (or digit string, leading zeros kept) as Unicode subscripts: 12 → "₁₂"; anything else as it is. */
export function subscript(digits: number | string): string {
  return String(digits).replace(/[0-9]/g, (c) => SUBSCRIPT_DIGITS[Number(c)]);
}

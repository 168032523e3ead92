/**
 * Notations the charts need besides plain numbers (which all come from
 * src/shared/formatNumber.ts): powers of ten for log-axis ticks, the δ values of
 * the noise study as people write them, and subscripts for layer names.
 */
import { formatNumber } from '../shared/formatNumber';

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 1000 → "10³", 1e-6 → "10⁻⁶"; for log-axis ticks, which only label powers of ten. */
export function formatPowerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return `10${String(exponent)
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('')}`;
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

import type { NumericArray } from './checks';

/**
 * The largest magnitude in `values` (0 for an empty array, NaN if any entry is NaN).
 *
 * @example
 *   maxAbs([3, -7, 2]);  // 7
 */
export function maxAbs(values: NumericArray): number {
  let big = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v !== v) return v;
    if (v > big) big = v;
  }
  return big;
}

/**
 * The median of `values`, with NaN counted as larger than any number (an
 * undefined result is a failure, and a median should not hide half of them);
 * NaN for an empty list.
 *
 * @example
 *   median([3, 1, 2]);         // 2
 *   median([1, 2, 3, 4]);      // 2.5
 *   median([1, NaN, NaN]);     // NaN
 */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  // A typed array sorts numerically and puts NaN last.
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

import type { NumericArray } from './checks';

/**
 * Euclidean norm ‖x‖₂, scaled by a power of two near the largest magnitude
 * so that squares neither overflow nor underflow. NaN if any entry is NaN.
 *
 * @example
 *   vectorNorm([3, 4]);            // 5
 *   vectorNorm([3e200, 4e200]);    // 5e200 (a plain sum of squares overflows)
 */
export function vectorNorm(x: NumericArray): number {
  let big = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v !== v) return v;
    if (v > big) big = v;
  }
  if (big === 0 || big === Number.POSITIVE_INFINITY) return big;
  // Scale by a power of two near 1/big: exact, so only the squares and the sum round.
  const exponent = Math.min(1023, Math.max(-1022, Math.ceil(Math.log2(big))));
  const down = 2 ** -exponent;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const t = x[i] * down;
    sum += t * t;
  }
  return Math.sqrt(sum) * 2 ** exponent;
}

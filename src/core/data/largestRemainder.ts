/**
 * Splits `total` whole units among buckets in proportion to `weights` so that the
 * parts sum to exactly `total` (Hamilton's largest-remainder method). Each bucket
 * first gets the floor of its exact quota total·wᵢ/Σw; the units left over go one
 * at a time to the buckets with the largest fractional remainders, ties to the
 * lower index. With `caps`, no part exceeds its cap: a unit a full bucket cannot
 * take passes to the next bucket in remainder order.
 *
 * Remainders are compared as integers (total·wᵢ mod Σw), so the outcome never
 * depends on floating-point rounding.
 *
 * @example
 *   largestRemainder(10, [1, 1, 1]);          // [4, 3, 3]
 *   largestRemainder(5, [3, 1], [2, 10]);     // [2, 3]: the first bucket is capped
 *   largestRemainder(8000, [1001, 1127, 991]) // [2567, 2891, 2542]
 */
export function largestRemainder(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`largestRemainder: total must be a non-negative integer, got ${total}`);
  }
  let weightSum = 0;
  weights.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new RangeError(`largestRemainder: weights[${i}] must be a non-negative integer, got ${w}`);
    }
    weightSum += w;
  });
  if (caps !== undefined && caps.length !== weights.length) {
    throw new RangeError(`largestRemainder: caps has ${caps.length} entries but weights has ${weights.length}`);
  }
  const capOf = (i: number): number => (caps === undefined ? Number.POSITIVE_INFINITY : caps[i]);
  if (total === 0) return weights.map(() => 0);
  if (weightSum === 0)
    throw new RangeError(`largestRemainder: cannot share ${total} units among weights that sum to 0`);
  if (total * Math.max(...weights) > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`largestRemainder: total ${total} × largest weight overflows exact integer arithmetic`);
  }
  let capacity = 0;
  weights.forEach((w, i) => {
    const cap = capOf(i);
    if (!(cap >= 0)) throw new RangeError(`largestRemainder: caps[${i}] must be non-negative, got ${cap}`);
    if (w > 0) capacity += cap;
  });
  if (capacity < total) {
    throw new RangeError(`largestRemainder: ${total} units do not fit in caps that allow only ${capacity}`);
  }

  const remainder = weights.map((w) => (total * w) % weightSum);
  const parts = weights.map((w, i) => Math.min((total * w - remainder[i]) / weightSum, capOf(i)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = weights
    .map((_, i) => i)
    .filter((i) => weights[i] > 0)
    .sort((a, b) => remainder[b] - remainder[a] || a - b);
  // More than one pass is needed only when caps turn units away.
  while (left > 0) {
    for (const i of order) {
      if (left === 0) break;
      if (parts[i] < capOf(i)) {
        parts[i]++;
        left--;
      }
    }
  }
  return parts;
}

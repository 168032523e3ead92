/**
 * The Kolmogorov–Smirnov statistic D = sup_x |F_n(x) − F(x)| of a sample
 * against a continuous distribution function F: the largest gap between the
 * sample's empirical CDF and F, which is reached just before or at a sample
 * value. NaN values are left out (they belong to no distribution); an empty
 * sample gives NaN.
 *
 * @example
 *   ksStatistic([0], normalCdf);                    // 0.5: F_n jumps from 0 to 1 where Φ = 0.5
 *   ksStatistic(samplesOf(N(1, 1)), normalCdf);     // ≈ 2Φ(0.5) − 1 = 0.3829 for a large sample
 */
export function ksStatistic(values: ArrayLike<number>, cdf: (x: number) => number): number {
  return ksStatisticSorted(Float64Array.from(values).sort(), cdf);
}

/**
 * ksStatistic of values already sorted ascending with any NaN at the end (as
 * a typed array's sort leaves them), for a caller that sorts once for several
 * statistics.
 */
export function ksStatisticSorted(sortedValues: Float64Array, cdf: (x: number) => number): number {
  let n = sortedValues.length;
  while (n > 0 && Number.isNaN(sortedValues[n - 1])) n--;
  const sorted = sortedValues;
  if (n === 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < n;) {
    // Equal values make one step of F_n, from i/n to j/n.
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const f = cdf(sorted[i]);
    d = Math.max(d, j / n - f, f - i / n);
    i = j;
  }
  return d;
}

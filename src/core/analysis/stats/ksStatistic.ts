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
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  const n = sorted.length;
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

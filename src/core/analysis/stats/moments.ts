/** Mean, standard deviation and skewness of a sample. */
export interface Moments {
  readonly count: number;
  readonly mean: number;
  /** Sample standard deviation (divides by n − 1, as torch.std and the paper's variance penalty do). */
  readonly std: number;
  /** Fisher's skewness g₁ = m₃ / m₂^{3/2} with central moments m_k = Σ(x − mean)^k / n; 0 for a symmetric sample. */
  readonly skew: number;
}

/**
 * The first three moments of `values` in two passes (mean first, then the
 * central sums), which stays accurate when the mean is large against the
 * spread, as for outputs near 2a = 18 with spread 1. NaN in, NaN out.
 *
 * @example
 *   moments([1, 2, 3, 10]);  // { count: 4, mean: 4, std: 4.0825, skew: 1.0183 }
 */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) return { count: 0, mean: Number.NaN, std: Number.NaN, skew: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let m2 = 0,
    m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
  const skew = m2 > 0 ? m3 / n / (m2 / n) ** 1.5 : 0;
  return { count: n, mean, std, skew };
}

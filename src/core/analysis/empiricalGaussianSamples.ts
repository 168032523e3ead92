import { matmul } from '../linalg';
import type { Rng } from '../random/rng';

/**
 * `count` samples of N(μ, T²·Σ) where μ and Σ are the mean and sample
 * covariance of m embeddings (rows of `embeddings`, n values each), drawn
 * without forming Σ: with E the centred embeddings (m × n) and g ~ N(0, I_m),
 * μ + T·Eᵀg/√(m − 1) has exactly covariance T²·EᵀE/(m − 1) = T²·Σ. This is
 * also exact when Σ is singular (m ≤ n, as for a few hundred images of 784
 * values): samples stay in the span of the data, as the empirical covariance
 * says they should. Costs one m×count by m×n product instead of an n×n
 * factorization.
 *
 * @example
 *   const z = empiricalGaussianSamples(classEmbeddings, 400, 784, 32, 1, createRng(0));  // 32 × 784
 */
export function empiricalGaussianSamples(
  embeddings: ArrayLike<number>,
  m: number,
  n: number,
  count: number,
  temperature: number,
  rng: Rng,
): Float64Array {
  if (embeddings.length !== m * n)
    throw new RangeError(`empiricalGaussianSamples: embeddings must hold ${m}×${n} numbers, got ${embeddings.length}`);
  if (!Number.isInteger(m) || m < 2)
    throw new RangeError(`empiricalGaussianSamples: needs at least 2 embeddings for a covariance, got ${m}`);
  const mu = new Float64Array(n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) mu[j] += embeddings[r * n + j];
  for (let j = 0; j < n; j++) mu[j] /= m;
  const centred = new Float64Array(m * n);
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) centred[r * n + j] = embeddings[r * n + j] - mu[j];
  const g = new Float64Array(count * m);
  for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  // Row i of G·E is (Eᵀ g_i)ᵀ.
  const spread = matmul(g, centred, count, m, n);
  const scale = temperature / Math.sqrt(m - 1);
  for (let i = 0; i < count; i++) for (let j = 0; j < n; j++) spread[i * n + j] = mu[j] + scale * spread[i * n + j];
  return spread;
}

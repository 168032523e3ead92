import { jacobiSvd } from '../../linalg/jacobiSvd';
import { createRng } from '../../random/rng';
import type { ClassPrior } from './flowPrior';

/** Subspace iterations of the top-k eigenvector search (each costs 4·rows·n·k per class). */
const ITERATIONS = 60;

/**
 * A low-rank-plus-diagonal Gaussian per class fitted in closed form to latents
 * (rows × n, float64): probabilistic PCA of each class's latents standardized
 * by their own standard deviations s_a (research/flow/prior_fit.py, "lowrank").
 * With w_1 ≥ … ≥ w_k the top eigenvalues of the class's correlation matrix R_a,
 * v_i their eigenvectors and ν the mean of the other n − k eigenvalues
 * ((n − Σ w_i)/(n − k), as trace R_a = n), PPCA's maximum-likelihood covariance is
 *
 *   Σ_a = diag(s_a)·(Σ_i (w_i − ν) v_i v_iᵀ + ν I)·diag(s_a)
 *
 * which is the prior's diag σ_a² + F_aᵀF_a with σ_a = s_a·√ν and row i of F_a
 * = √(w_i − ν)·(s_a ⊙ v_i). The eigenvectors come from subspace iteration with a
 * Rayleigh–Ritz step (jacobiSvd on the k×k projection), seeded, so the same latents
 * give the same prior. Rank 0 returns the diagonal prior of the class moments.
 *
 * @example
 *   const prior = fitLowRankPrior(latents, 16000, 784, (r) => labels[r % 8000], 10, 5);  // prior.factors: 10 × 5 × 784
 */
export function fitLowRankPrior(
  values: Float64Array,
  rows: number,
  n: number,
  label: (r: number) => number,
  classes: number,
  rank: number,
): ClassPrior {
  if (!(Number.isInteger(rank) && rank >= 0 && rank < n))
    throw new RangeError(`fitLowRankPrior: rank must be an integer in 0..${n - 1}, got ${rank}`);
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let r = 0; r < rows; r++) members[label(r)].push(r);
  const mean = new Float32Array(classes * n);
  const logStd = new Float32Array(classes * n);
  const factors = new Float32Array(classes * rank * n);
  for (let a = 0; a < classes; a++) {
    const rowsOfA = members[a];
    const m = rowsOfA.length;
    if (m < Math.max(2, rank + 1))
      throw new RangeError(
        `fitLowRankPrior: class ${a} has ${m} latents; a rank-${rank} prior needs at least ${Math.max(2, rank + 1)}`,
      );
    const mu = new Float64Array(n);
    const sd = new Float64Array(n);
    for (const r of rowsOfA) for (let j = 0; j < n; j++) mu[j] += values[r * n + j] / m;
    for (const r of rowsOfA) for (let j = 0; j < n; j++) sd[j] += (values[r * n + j] - mu[j]) ** 2 / m;
    for (let j = 0; j < n; j++) sd[j] = Math.sqrt(Math.max(sd[j], 1e-12));
    const u = new Float64Array(m * n);
    rowsOfA.forEach((r, i) => {
      for (let j = 0; j < n; j++) u[i * n + j] = (values[r * n + j] - mu[j]) / sd[j];
    });
    const { vectors, eigenvalues } =
      rank > 0 ? topEigenpairs(u, m, n, rank, a) : { vectors: new Float64Array(0), eigenvalues: new Float64Array(0) };
    const captured = eigenvalues.reduce((s, w) => s + w, 0);
    const noise = rank > 0 ? Math.max((n - captured) / (n - rank), 1e-6) : 1;
    for (let j = 0; j < n; j++) {
      mean[a * n + j] = mu[j];
      logStd[a * n + j] = Math.log(sd[j] * Math.sqrt(noise));
    }
    for (let i = 0; i < rank; i++) {
      const scale = Math.sqrt(Math.max(eigenvalues[i] - noise, 0));
      for (let j = 0; j < n; j++) factors[(a * rank + i) * n + j] = scale * sd[j] * vectors[i * n + j];
    }
  }
  return rank > 0 ? { kind: 'class', classes, mean, logStd, rank, factors } : { kind: 'class', classes, mean, logStd };
}

/**
 * The k leading eigenpairs of uᵀu/m (u: m × n), eigenvalues descending and
 * eigenvectors as rows of `vectors` (k × n), by subspace iteration.
 */
function topEigenpairs(
  u: Float64Array,
  m: number,
  n: number,
  k: number,
  seed: number,
): { vectors: Float64Array; eigenvalues: Float64Array } {
  const rng = createRng(seed).fork('low-rank-prior');
  let q: Float64Array = Float64Array.from({ length: k * n }, () => rng.normal());
  orthonormalizeRows(q, k, n);
  const projected = new Float64Array(k * m);
  const apply = (basis: Float64Array): Float64Array => {
    // (uᵀu/m)·basisᵀ, as rows: first p = basis·uᵀ (k × m), then p·u/m (k × n).
    for (let i = 0; i < k; i++) {
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += basis[i * n + j] * u[r * n + j];
        projected[i * m + r] = s;
      }
    }
    const out = new Float64Array(k * n);
    for (let i = 0; i < k; i++) {
      for (let r = 0; r < m; r++) {
        const p = projected[i * m + r] / m;
        for (let j = 0; j < n; j++) out[i * n + j] += p * u[r * n + j];
      }
    }
    return out;
  };
  for (let t = 0; t < ITERATIONS; t++) {
    q = apply(q);
    orthonormalizeRows(q, k, n);
  }
  const cq = apply(q);
  const small = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[i * n + j] * cq[p * n + j];
      small[i * k + p] = s;
    }
  const { sigma, v } = jacobiSvd(small, k);
  const order = Array.from(sigma.keys()).sort((x, y) => sigma[y] - sigma[x]);
  const vectors = new Float64Array(k * n);
  order.forEach((c, i) => {
    for (let p = 0; p < k; p++) {
      const w = v[p * k + c];
      for (let j = 0; j < n; j++) vectors[i * n + j] += w * q[p * n + j];
    }
  });
  return { vectors, eigenvalues: Float64Array.from(order, (c) => sigma[c]) };
}

/** Modified Gram–Schmidt on the k rows of q (k × n), in place. */
function orthonormalizeRows(q: Float64Array, k: number, n: number): void {
  for (let i = 0; i < k; i++) {
    for (let p = 0; p < i; p++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += q[i * n + j] * q[p * n + j];
      for (let j = 0; j < n; j++) q[i * n + j] -= d * q[p * n + j];
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < n; j++) q[i * n + j] /= norm;
  }
}

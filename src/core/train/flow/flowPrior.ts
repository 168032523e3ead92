import type { Rng } from '../../random/rng';
import { targetMean } from '../seedLoss';
import { cholesky } from './cholesky';

/**
 * The latent distribution a flow maps each class onto.
 * - 'paper': the paper's target N(2a·1, I) for label a, fixed.
 * - 'class': N(μ_a, diag σ_a² + F_aᵀF_a) with μ_a, ln σ_a and F_a learned per class
 *   (`mean` and `logStd` are classes × n, row-major, row a for label a). `factors`
 *   (classes × rank × n, row-major: rank rows of n per class) is absent, or rank 0,
 *   for the diagonal prior N(μ_a, diag σ_a²). With rank k > 0 the covariance is
 *   low rank plus diagonal: the latents of a class are correlated along k
 *   directions, and its exact log-density costs O(nk + k³) per row (Woodbury and
 *   the matrix determinant lemma, lowRankCorrection). With `whitener` instead
 *   (classes × n × n, row-major, W_a lower-triangular with a positive diagonal)
 *   the covariance is full: u = (z − μ_a)/σ_a is N(0, (W_aᵀW_a)⁻¹), so W_a·u is
 *   N(0, I), and the exact log-density costs O(n²) per row (fullCorrection).
 */
export type FlowPrior =
  | { readonly kind: 'paper' }
  | {
      readonly kind: 'class';
      readonly classes: number;
      readonly mean: Float32Array;
      readonly logStd: Float32Array;
      readonly rank?: number;
      readonly factors?: Float32Array;
      readonly whitener?: Float32Array;
    };

export type FlowPriorKind = FlowPrior['kind'];
export type ClassPrior = Extract<FlowPrior, { kind: 'class' }>;

export const PAPER_PRIOR: FlowPrior = { kind: 'paper' };

/** Most directions a low-rank class prior may have (its k×k solves run per row and per step). */
export const MAX_PRIOR_RANK = 64;

/** Most dequantization draws a full-covariance prior may be fitted to (each costs about 2.5 s at n = 784). */
export const MAX_PRIOR_DRAWS = 256;

/** A learned prior that starts equal to the paper's target (μ_a = 2a·1, σ = 1). */
export function classPriorFromPaper(classes: number, n: number): FlowPrior {
  const mean = new Float32Array(classes * n);
  for (let a = 0; a < classes; a++) mean.fill(targetMean(a), a * n, (a + 1) * n);
  return { kind: 'class', classes, mean, logStd: new Float32Array(classes * n) };
}

/** The number of low-rank directions of a prior (0: diagonal, or the paper's target). */
export function priorRank(prior: FlowPrior): number {
  return prior.kind === 'class' && prior.factors ? (prior.rank ?? 0) : 0;
}

/** Whether a class prior has a full covariance per class (a whitener W_a), not a diagonal or low-rank one. */
export function hasFullCovariance(prior: FlowPrior): prior is ClassPrior & { readonly whitener: Float32Array } {
  return prior.kind === 'class' && prior.whitener !== undefined;
}

/** μ_aj and ln σ_aj of coordinate j for label a. */
export function priorMeanAt(prior: FlowPrior, label: number, j: number, n: number): number {
  return prior.kind === 'paper' ? targetMean(label) : prior.mean[label * n + j];
}

export function priorLogStdAt(prior: FlowPrior, label: number, j: number, n: number): number {
  return prior.kind === 'paper' ? 0 : prior.logStd[label * n + j];
}

/**
 * One latent of class `label` at temperature T into out[offset..offset+n):
 * z = μ_a + T·(σ_a ⊙ ε + F_aᵀ η), ε ~ N(0, I_n) drawn first, then η ~ N(0, I_k)
 * (so a diagonal prior draws exactly what it drew before low-rank priors existed);
 * with a whitener, z = μ_a + T·σ_a ⊙ W_a⁻¹ε (forward substitution, the same ε).
 */
export function drawPriorLatent(
  prior: FlowPrior,
  label: number,
  temperature: number,
  rng: Rng,
  out: Float64Array,
  offset: number,
  n: number,
): void {
  if (hasFullCovariance(prior)) {
    const w = prior.whitener;
    const u = new Float64Array(n);
    for (let j = 0; j < n; j++) u[j] = rng.normal();
    const row0 = label * n * n;
    for (let i = 0; i < n; i++) {
      let s = u[i];
      for (let j = 0; j < i; j++) s -= w[row0 + i * n + j] * u[j];
      u[i] = s / w[row0 + i * n + i];
      out[offset + i] = prior.mean[label * n + i] + temperature * Math.exp(prior.logStd[label * n + i]) * u[i];
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    out[offset + j] =
      priorMeanAt(prior, label, j, n) + temperature * Math.exp(priorLogStdAt(prior, label, j, n)) * rng.normal();
  }
  const k = priorRank(prior);
  if (k === 0 || prior.kind !== 'class' || !prior.factors) return;
  const f = prior.factors;
  for (let i = 0; i < k; i++) {
    const eta = temperature * rng.normal();
    const row = (label * k + i) * n;
    for (let j = 0; j < n; j++) out[offset + j] += eta * f[row + j];
  }
}

/**
 * ½ rᵀΣ⁻¹r + ½ ln det Σ − Σ_j ln σ_j for Σ = diag σ² + FᵀF, r = z − μ: what the
 * k factors add to the diagonal prior's negative log-density (float64).
 * With u = r/σ and W = F/σ (each column j divided by σ_j), M = I_k + WWᵀ:
 *   rᵀΣ⁻¹r = ‖u‖² − vᵀM⁻¹v, v = Wu   (Woodbury)
 *   ln det Σ = 2 Σ ln σ_j + ln det M    (matrix determinant lemma)
 * so this returns −½ vᵀM⁻¹v + ½ ln det M.
 */
export function lowRankCorrection(
  u: Float64Array,
  factors: Float32Array,
  row0: number,
  invStd: Float64Array,
  k: number,
  n: number,
): number {
  const w = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) w[i * n + j] = factors[row0 + i * n + j] * invStd[j];
  const m = new Float64Array(k * k);
  const v = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[i * n + j] * u[j];
    v[i] = s;
    for (let p = 0; p <= i; p++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += w[i * n + j] * w[p * n + j];
      m[i * k + p] = d + (i === p ? 1 : 0);
      m[p * k + i] = m[i * k + p];
    }
  }
  const c = cholesky(m, k);
  let logDet = 0;
  let quad = 0;
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = v[i];
    for (let p = 0; p < i; p++) s -= c[i * k + p] * y[p];
    y[i] = s / c[i * k + i];
    quad += y[i] * y[i];
    logDet += 2 * Math.log(c[i * k + i]);
  }
  return -0.5 * quad + 0.5 * logDet;
}

/**
 * ½‖W·u‖² − ½‖u‖² − Σ_i ln W_ii for the standardized latent u = (z − μ)/σ
 * and the class's whitener W = whitener[row0 .. row0 + n²) (lower-triangular):
 * what a full covariance adds to the diagonal prior's negative log-density
 * (float64). The negative log-density under N(0, (WᵀW)⁻¹) is ½‖Wu‖² − ln det W
 * + (n/2) ln 2π, and the diagonal prior's term already holds ½‖u‖².
 */
export function fullCorrection(u: Float64Array, whitener: Float32Array, row0: number, n: number): number {
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    const r = row0 + i * n;
    let y = 0;
    for (let j = 0; j <= i; j++) y += whitener[r + j] * u[j];
    quad += y * y - u[i] * u[i];
    logDet += Math.log(whitener[r + i]);
  }
  return 0.5 * quad - logDet;
}

/** Throws a RangeError naming the field when a class prior does not fit n and the labels' range. */
export function validateFlowPrior(prior: FlowPrior, n: number, where: string): void {
  if (prior.kind === 'paper') return;
  const { classes } = prior;
  if (!Number.isSafeInteger(classes) || classes < 1)
    throw new RangeError(`${where}: prior.classes must be a positive integer, got ${classes}`);
  const check = (field: string, values: Float32Array, length: number, shape: string) => {
    if (values.length !== length)
      throw new RangeError(`${where}: prior.${field} must hold ${shape} = ${length} numbers, got ${values.length}`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${where}: prior.${field}[${bad}] is ${values[bad]}`);
  };
  check('mean', prior.mean, classes * n, `${classes}×${n}`);
  check('logStd', prior.logStd, classes * n, `${classes}×${n}`);
  const rank = prior.rank ?? 0;
  if (!(Number.isSafeInteger(rank) && rank >= 0 && rank <= Math.min(MAX_PRIOR_RANK, n))) {
    throw new RangeError(`${where}: prior.rank must be an integer in 0..${Math.min(MAX_PRIOR_RANK, n)}, got ${rank}`);
  }
  if (rank > 0 && !prior.factors) throw new RangeError(`${where}: prior.rank is ${rank} but prior.factors is missing`);
  if (prior.factors) check('factors', prior.factors, classes * rank * n, `${classes}×${rank}×${n}`);
  if (prior.whitener) {
    if (rank > 0 || prior.factors)
      throw new RangeError(
        `${where}: prior.whitener (a full covariance) and prior.factors (a low-rank one) exclude each other`,
      );
    check('whitener', prior.whitener, classes * n * n, `${classes}×${n}×${n}`);
    for (let a = 0; a < classes; a++) {
      for (let i = 0; i < n; i++) {
        const d = prior.whitener[(a * n + i) * n + i];
        if (!(d > 0))
          throw new RangeError(
            `${where}: prior.whitener of class ${a} has ${d} at (${i}, ${i}); its diagonal must be positive`,
          );
        for (let j = i + 1; j < n; j++) {
          const v = prior.whitener[(a * n + i) * n + j];
          if (v !== 0)
            throw new RangeError(
              `${where}: prior.whitener of class ${a} has ${v} at (${i}, ${j}); it must be lower-triangular`,
            );
        }
      }
    }
  }
}

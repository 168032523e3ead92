import { LOG_2PI } from '../seedLoss';
import type { FlowPrior } from './flowPrior';
import {
  fullCorrection,
  hasFullCovariance,
  lowRankCorrection,
  priorLogStdAt,
  priorMeanAt,
  priorRank,
} from './flowPrior';

/**
 * The flow objective, exact maximum likelihood by the change of variables.
 * Per image x with label a and network output z = f(x) (n values):
 *
 *   −log p(x | a) = latent + negLogDet
 *   latent        = ½ Σ_j ((z_j − μ_aj) / σ_aj)² + Σ_j ln σ_aj + (n/2)·ln 2π   (diagonal prior)
 *   negLogDet     = −log|det J_f(x)| = −Σ_l log|det W_l| − ln(α)·#(negative pre-activations)
 *
 * and the training loss is the batch mean. A prior with low-rank factors F_a
 * (Σ_a = diag σ_a² + F_aᵀF_a) adds −½ vᵀM⁻¹v + ½ ln det M to the latent term
 * (lowRankCorrection), and one with a full covariance per class ½‖W_a·u‖² − ½‖u‖² − ln det W_a,
 * u the standardized latent (fullCorrection). With the paper's prior (μ_a = 2a·1,
 * σ = 1) latent = ½‖z − 2a·1‖² + 392·ln 2π at n = 784: the paper's likelihood
 * term, to which the paper's loss adds a variance penalty instead of the
 * log-determinant. The loss is in nats of the network's input: for the
 * dequantized image on [0, 1]^784, bitsPerDim turns it into bits per pixel.
 * Parts are reported as [latent, negLogDet]. This module is the single
 * statement of the objective; the engines implement it and are tested against it.
 */
/** The latent term of one output row (float64). */
export function flowLatentNll(
  z: ArrayLike<number>,
  label: number,
  prior: FlowPrior,
  offset = 0,
  n = z.length - offset,
): number {
  const k = priorRank(prior);
  const full = hasFullCovariance(prior);
  const u = k > 0 || full ? new Float64Array(n) : null;
  const invStd = k > 0 ? new Float64Array(n) : null;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const logStd = priorLogStdAt(prior, label, j, n);
    const inv = Math.exp(-logStd);
    const d = (z[offset + j] - priorMeanAt(prior, label, j, n)) * inv;
    if (u) u[j] = d;
    if (invStd) invStd[j] = inv;
    sum += 0.5 * d * d + logStd;
  }
  if (u && invStd && prior.kind === 'class' && prior.factors)
    sum += lowRankCorrection(u, prior.factors, label * k * n, invStd, k, n);
  if (u && hasFullCovariance(prior)) sum += fullCorrection(u, prior.whitener, label * n * n, n);
  return sum + 0.5 * n * LOG_2PI;
}

/** −ln(α) per negative pre-activation: what one LeakyReLU unit on its negative side adds to negLogDet. */
export function leakyReluNegLogDet(negativeSlope: number, negatives: number): number {
  return -Math.log(negativeSlope) * negatives;
}

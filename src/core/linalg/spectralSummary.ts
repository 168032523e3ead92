import { conditionNumber } from './conditionNumber';
import type { NumericArray } from './checks';
import { frobeniusNorm } from './frobeniusNorm';
import { logAbsDeterminant } from './logAbsDeterminant';
import { luDiagnosis, type LuDiagnosis } from './luDiagnosis';
import { linalgBatch } from './linalgBatch';
import type { LuFactors64 } from './luTypes';
import { stableRank } from './stableRank';

export interface SpectralSummary {
  /** All singular values, descending. */
  readonly singularValues: Float64Array;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  /** κ₂ = σmax / σmin (Infinity when σmin is 0). */
  readonly cond: number;
  /** log|det W| in nats, -Infinity when singular. */
  readonly logAbsDet: number;
  /** Sign of det W: −1, 0 (singular) or 1. */
  readonly detSign: -1 | 0 | 1;
  readonly frobenius: number;
  /** ‖W‖_F² / σmax². */
  readonly stableRank: number;
  /** The float64 LU factors (for solves and the smallest singular triplet). */
  readonly factors: LuFactors64;
  readonly diagnosis: LuDiagnosis;
}

/**
 * Everything a layer's spectrum reports, for one n×n matrix in float64: LU
 * factors (log|det| and the pivot diagnosis), all singular values, κ₂, the
 * Frobenius norm and the stable rank. About 0.17 s for n = 784.
 *
 * @example
 *   const s = spectralSummary([3, 0, 4, 5], 2);
 *   s.cond;       // 3 (√45 / √5)
 *   s.logAbsDet;  // Math.log(15)
 */
export function spectralSummary(w: NumericArray, n: number, options: { name?: string } = {}): SpectralSummary {
  const [factors, sigma] = linalgBatch([
    { kind: 'lu', w, n, ...options },
    { kind: 'singularValues', w, n, ...options },
  ]);
  return summarizeSpectrum(w, n, factors as LuFactors64, sigma as Float64Array);
}

/**
 * The SpectralSummary of `w` from its float64 LU factors and all its singular
 * values (descending), when those were computed already (as linalgBatch does
 * for several matrices at once).
 */
export function summarizeSpectrum(
  w: NumericArray,
  n: number,
  factors: LuFactors64,
  sigma: Float64Array,
): SpectralSummary {
  const { logAbsDet, sign } = logAbsDeterminant(factors);
  const frobenius = frobeniusNorm(w);
  return {
    singularValues: sigma,
    sigmaMax: sigma[0],
    sigmaMin: sigma[n - 1],
    cond: conditionNumber(sigma),
    logAbsDet,
    detSign: sign,
    frobenius,
    stableRank: stableRank(frobenius, sigma[0]),
    factors,
    diagnosis: luDiagnosis(factors),
  };
}

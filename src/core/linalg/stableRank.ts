/**
 * Stable rank ‖W‖_F² / σmax²: between 1 (one direction dominates) and n (all
 * singular values equal), and unlike the rank it does not jump under small
 * perturbations. 0 for the zero matrix.
 *
 * @example
 *   stableRank(5, 5);            // 1: W = [[1, 2], [2, 4]] has rank one
 *   stableRank(Math.sqrt(2), 1); // 2: the 2×2 identity
 */
export function stableRank(frobenius: number, sigmaMax: number): number {
  if (!(frobenius >= 0) || !(sigmaMax >= 0)) {
    throw new RangeError(`stableRank: frobenius and sigmaMax must be non-negative, got ${frobenius} and ${sigmaMax}`);
  }
  if (sigmaMax === 0) return 0;
  const r = frobenius / sigmaMax;
  return r * r;
}

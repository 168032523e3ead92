import type { NumericArray } from './checks';

/**
 * κ₂ = σmax / σmin from singular values in descending order (as
 * singularValues returns them): Infinity when σmin is 0.
 *
 * @example
 *   conditionNumber([4, 2, 0.5]);  // 8
 *   conditionNumber([1, 0]);       // Infinity
 */
export function conditionNumber(singularValues: NumericArray): number {
  const n = singularValues.length;
  if (n === 0) throw new RangeError('conditionNumber: singularValues is empty');
  const sigmaMax = singularValues[0];
  const sigmaMin = singularValues[n - 1];
  if (!(sigmaMin >= 0) || !(sigmaMax >= sigmaMin)) {
    throw new RangeError(
      `conditionNumber: singularValues must be non-negative and descending, got first ${sigmaMax} and last ${sigmaMin}`,
    );
  }
  return sigmaMin === 0 ? Number.POSITIVE_INFINITY : sigmaMax / sigmaMin;
}

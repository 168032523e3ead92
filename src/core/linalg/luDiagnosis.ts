import { formatNumber } from '../../shared/formatNumber';
import { matrixLabel } from './checks';
import { UNIT_ROUNDOFF, type LuFactors } from './luTypes';

export interface LuDiagnosis {
  /**
   * 'singular': a pivot is exactly 0 (or not finite), solves are impossible.
   * 'numerically-singular': the smallest pivot is at or below `threshold`, so
   * a perturbation of W with norm the size of the factorization's own rounding
   * errors could make it singular; solves run, but their results are only as
   * good as W's structure allows (a triangular or graded W can still be solved
   * accurately; a generic one cannot).
   * 'invertible': neither.
   */
  readonly status: 'invertible' | 'numerically-singular' | 'singular';
  /** Column (0-based) of the smallest |pivot|. */
  readonly column: number;
  /** That smallest |pivot| = |u_jj|. */
  readonly pivot: number;
  /** n · u · max|w_ij|, with u the unit roundoff of the factors' precision. */
  readonly threshold: number;
  /** One sentence for logs and error messages, naming the matrix when it has a name. */
  readonly message: string;
}

/**
 * Says whether LU factors can be trusted for solves, and if not, which pivot
 * is at fault and by how much.
 *
 * @example
 *   luDiagnosis(luFactor([1, 2, 2, 4], 2, { name: 'layer 1' })).message;
 *   // 'matrix "layer 1" (2×2, float64) is singular: pivot u[1,1] = 0 (column 1)'
 *   luDiagnosis(luFactor([1, 0, 0, 1e-20], 2)).status;  // 'numerically-singular'
 */
export function luDiagnosis(factors: LuFactors): LuDiagnosis {
  const { n, precision, minAbsPivot: pivot, minPivotColumn: column } = factors;
  const threshold = n * UNIT_ROUNDOFF[precision] * factors.maxAbsEntry;
  const what = `${matrixLabel(factors.name)} (${n}×${n}, ${precision})`;
  const at = `pivot u[${column},${column}] = ${formatNumber(pivot)} (column ${column})`;
  if (!(pivot > 0) || !Number.isFinite(pivot)) {
    return { status: 'singular', column, pivot, threshold, message: `${what} is singular: ${at}` };
  }
  if (pivot <= threshold) {
    return {
      status: 'numerically-singular',
      column,
      pivot,
      threshold,
      message: `${what} is numerically singular: ${at} is at or below n·u·max|w| = ${formatNumber(threshold)}`,
    };
  }
  return { status: 'invertible', column, pivot, threshold, message: `${what} is invertible: smallest ${at}` };
}

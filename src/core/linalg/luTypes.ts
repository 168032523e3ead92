import type { Precision } from './precision';

/**
 * The factors of P·W = L·U (partial pivoting) of an n×n matrix W, as
 * luFactor and luFactor32 return them.
 */
interface LuFactorsBase {
  readonly n: number;
  /** Row i was interchanged with row pivots[i] (0-based, pivots[i] ≥ i), for i = 0, 1, …, n−1 in order. */
  readonly pivots: Int32Array;
  /** Determinant of P: +1 or −1. */
  readonly permutationSign: 1 | -1;
  /** min |u_jj| over the diagonal of U. */
  readonly minAbsPivot: number;
  /** The column j where |u_jj| is smallest (the first one when several tie). */
  readonly minPivotColumn: number;
  /** max |w_ij| of the factored matrix, the scale for "numerically singular". */
  readonly maxAbsEntry: number;
  /** The caller's name for W, used in messages. */
  readonly name?: string;
}

/**
 * Float64 factors: `lu` holds L (strictly below the diagonal, unit diagonal implied) and U, row-major.
 * Read-only: for a diagonal matrix `lu` is the matrix's own array (L = I, U = W), not a copy.
 */
export interface LuFactors64 extends LuFactorsBase {
  readonly precision: 'float64';
  readonly lu: Float64Array;
}

/** Float32 factors, every operation of the factorization rounded to float32. */
export interface LuFactors32 extends LuFactorsBase {
  readonly precision: 'float32';
  readonly lu: Float32Array;
}

export type LuFactors = LuFactors64 | LuFactors32;

/** Unit roundoff of each precision (half the distance from 1 to the next number). */
export const UNIT_ROUNDOFF: Record<Precision, number> = {
  float64: 2 ** -53,
  float32: 2 ** -24,
};

export interface LuOptions {
  /** How messages name the matrix, e.g. "layer 2 (3.weight)". */
  readonly name?: string;
}

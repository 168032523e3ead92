import type { NumericArray } from './checks';
import type { LuFactors, LuFactors32, LuFactors64 } from './luTypes';
import { solveWithFactors } from './solveWithFactors';

/**
 * Solves X·W = Y with W's LU factors: every row y of Y (count × n) gives the
 * row x with Wᵀ·x = y, in the factors' precision. The transposed system is
 * what inverse iteration and adjoint (gradient) computations need.
 *
 * @example
 *   const f = luFactor([2, 0, 1, 1], 2);       // W = [[2, 0], [1, 1]]
 *   luSolveRowsTransposed(f, [3, 1]);           // [1, 1]: [1, 1]·W = [3, 1]
 */
export function luSolveRowsTransposed(factors: LuFactors64, y: NumericArray, count?: number): Float64Array;
export function luSolveRowsTransposed(factors: LuFactors32, y: NumericArray, count?: number): Float32Array;
export function luSolveRowsTransposed(factors: LuFactors, y: NumericArray, count?: number): Float64Array | Float32Array;
export function luSolveRowsTransposed(
  factors: LuFactors,
  y: NumericArray,
  count = Math.floor(y.length / factors.n),
): Float64Array | Float32Array {
  return solveWithFactors('luSolveRowsTransposed', factors, y, count, true);
}

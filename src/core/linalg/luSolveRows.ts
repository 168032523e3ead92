import type { NumericArray } from './checks';
import type { LuFactors, LuFactors32, LuFactors64 } from './luTypes';
import { solveWithFactors } from './solveWithFactors';

/**
 * Solves X·Wᵀ = Y with W's LU factors: every row y of Y (count × n,
 * row-major) gives the row x with W·x = y. This is a layer's inverse applied
 * to a batch, one sample per row, without forming W⁻¹ (which would cost
 * another n³ and add its own error). Runs in the factors' precision: float64
 * factors return a Float64Array, float32 factors round Y to float32 and return
 * a Float32Array. The triangular solves are blocked so most of the work is a
 * matrix product.
 *
 * Throws InvertscopeError('NUMERIC') for a singular W (an exact zero pivot)
 * or when a solution overflows, naming the pivot at fault; a merely
 * ill-conditioned W is solved (and its errors are what the analysis measures).
 *
 * @example
 *   const f = luFactor([2, 0, 1, 1], 2);       // W = [[2, 0], [1, 1]]
 *   luSolveRows(f, [2, 1, 4, 5], 2);            // [1, 0, 2, 3]: W·[1, 0] = [2, 1], W·[2, 3] = [4, 5]
 */
export function luSolveRows(factors: LuFactors64, y: NumericArray, count?: number): Float64Array;
export function luSolveRows(factors: LuFactors32, y: NumericArray, count?: number): Float32Array;
export function luSolveRows(factors: LuFactors, y: NumericArray, count?: number): Float64Array | Float32Array;
export function luSolveRows(
  factors: LuFactors,
  y: NumericArray,
  count = Math.floor(y.length / factors.n),
): Float64Array | Float32Array {
  return solveWithFactors('luSolveRows', factors, y, count, false);
}

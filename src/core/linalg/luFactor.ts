import type { NumericArray } from './checks';
import { linalgBatch } from './linalgBatch';
import type { LuFactors64, LuOptions } from './luTypes';

/**
 * LU factorization with partial pivoting, P·W = L·U, of the n×n row-major
 * matrix `w` in float64 (blocked and right-looking: the trailing update runs
 * as a SIMD matrix product in WebAssembly). About 20 ms for n = 784.
 *
 * The factorization does not fail on a singular matrix: U then has a zero
 * pivot, reported by `minAbsPivot` / `minPivotColumn` and diagnosed by
 * luDiagnosis; the solves refuse it. A NaN or infinite entry is refused here
 * with its position.
 *
 * @example
 *   const f = luFactor(new Float64Array([0, 2, 3, 4]), 2);
 *   f.pivots;           // Int32Array [1, 1]: rows 0 and 1 were interchanged
 *   f.lu;               // [3, 4, 0, 2]: L = [[1, 0], [0, 1]], U = [[3, 4], [0, 2]]
 *   f.permutationSign;  // -1, so det W = -1 · 3 · 2 = -6
 */
export function luFactor(w: NumericArray, n: number, options: LuOptions = {}): LuFactors64 {
  return linalgBatch([{ kind: 'lu', w, n, ...options }])[0] as LuFactors64;
}

import { checkFinite, checkOrder, checkShape, matrixLabel, type NumericArray } from './checks';
import { withScratch } from './linalgKernels';
import type { LuFactors64, LuOptions } from './luTypes';
import { maxAbs } from './maxAbs';
import { pivotSummary } from './pivotSummary';

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
  const op = 'luFactor';
  checkOrder(op, n);
  checkShape(op, 'w', w, n, n);
  checkFinite(op, matrixLabel(options.name, 'w'), w, n);
  const { lu, pivots } = withScratch((s) => {
    const a = s.f64(n * n);
    const piv = s.i32(n);
    const work = s.bytes(s.kernels.gemm_work_bytes(8));
    s.float64(a, n * n).set(w);
    s.kernels.lu_f64(n, a, piv, work);
    return { lu: s.float64(a, n * n).slice(), pivots: s.int32(piv, n).slice() };
  });
  return {
    precision: 'float64',
    n,
    lu,
    pivots,
    ...pivotSummary(lu, n, pivots),
    maxAbsEntry: maxAbs(w),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
}

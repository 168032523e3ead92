import { InvertscopeError } from '../errors';
import { checkFinite, checkShape, type NumericArray } from './checks';
import { withScratch } from './linalgKernels';
import { luDiagnosis } from './luDiagnosis';
import type { LuFactors } from './luTypes';

/** Rows solved per kernel call: bounds the scratch memory for any count. */
const CHUNK_ROWS = 1024;

/**
 * Shared body of luSolveRows and luSolveRowsTransposed: solves X·Wᵀ = Y
 * (`transposed` false) or X·W = Y (true) for `count` rows of Y, in the
 * factors' precision.
 */
export function solveWithFactors(
  operation: string,
  factors: LuFactors,
  y: NumericArray,
  count: number,
  transposed: boolean,
): Float64Array | Float32Array {
  const { n, precision } = factors;
  checkShape(operation, 'y', y, count, n);
  checkFinite(operation, 'y', y, n);
  const diagnosis = luDiagnosis(factors);
  if (diagnosis.status === 'singular') {
    throw new InvertscopeError('NUMERIC', `${operation}: cannot solve, ${diagnosis.message}`, {
      field: factors.name ?? 'matrix',
      value: { column: diagnosis.column, pivot: diagnosis.pivot },
    });
  }
  const x = solveRowsUnchecked(factors, y, count, transposed);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      // Report the row's first infinity (where it overflowed) rather than a NaN it caused.
      const row = Math.floor(i / n);
      let at = i;
      for (let j = row * n; j < (row + 1) * n; j++) {
        if (Math.abs(x[j]) === Number.POSITIVE_INFINITY) {
          at = j;
          break;
        }
      }
      throw new InvertscopeError(
        'NUMERIC',
        `${operation}: the solution for row ${row} of y overflowed (${x[at]} at column ${at % n}, ` +
          `${precision}); ${diagnosis.message}`,
        { field: factors.name ?? 'matrix', value: x[at] },
      );
    }
  }
  return x;
}

/**
 * The solve alone, for finite `y` and factors that are not singular (the
 * caller has checked both): a row whose solution overflows comes back with its
 * infinities and NaNs as they came out. Rows are solved independently, so one
 * such row changes nothing in the others.
 */
export function solveRowsUnchecked(factors: LuFactors, y: NumericArray, count: number, transposed = false): Float64Array | Float32Array {
  const single = factors.precision === 'float32';
  const n = factors.n;
  const x = single ? new Float32Array(count * n) : new Float64Array(count * n);
  x.set(y);
  withScratch((s) => {
    const k = s.kernels;
    const alloc = (m: number) => (single ? s.f32(m) : s.f64(m));
    const lu = alloc(n * n);
    const lut = alloc(n * n);
    const piv = s.i32(n);
    const rows = Math.min(count, CHUNK_ROWS);
    const buffer = alloc(Math.max(rows, 1) * n);
    const work = s.bytes(k.gemm_work_bytes(single ? 4 : 8));
    const view = (offset: number, m: number) => (single ? s.float32(offset, m) : s.float64(offset, m));
    view(lu, n * n).set(factors.lu);
    s.int32(piv, n).set(factors.pivots);
    (single ? k.transpose_f32 : k.transpose_f64)(n, n, lu, lut);
    const solve = single
      ? (transposed ? k.solve_rows_transposed_f32 : k.solve_rows_f32)
      : (transposed ? k.solve_rows_transposed_f64 : k.solve_rows_f64);
    for (let r0 = 0; r0 < count; r0 += CHUNK_ROWS) {
      const r1 = Math.min(count, r0 + CHUNK_ROWS);
      const chunk = view(buffer, (r1 - r0) * n);
      chunk.set(x.subarray(r0 * n, r1 * n));
      solve(n, r1 - r0, lu, lut, piv, buffer, work);
      x.set(chunk, r0 * n);
    }
  });
  return x;
}

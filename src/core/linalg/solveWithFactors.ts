import { InvertscopeError } from '../errors';
import { checkFinite, checkShape, type NumericArray } from './checks';
import { WORK } from './kernelCalls';
import { kernelThreadCount, runKernelGroups, type KernelGroup } from './kernelThreads';
import { withScratch } from './linalgKernels';
import { preparedFactors } from './preparedFactors';
import { rowChunks } from './rowChunks';
import { luDiagnosis } from './luDiagnosis';
import type { LuFactors } from './luTypes';

/** Rows solved per kernel call of the transposed solve: bounds its scratch memory for any count. */
const CHUNK_ROWS = 1024;
/** Rows per group of a threaded solve: enough for the products to run at speed, few enough to share out. */
const MIN_CHUNK_ROWS = 32;
const MAX_CHUNK_ROWS = 256;

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
 * infinities and NaNs as they came out. Rows are solved independently (and
 * each row's arithmetic does not depend on which rows share its batch), so
 * the batch is split over the kernel threads and one overflowing row changes
 * nothing in the others.
 */
export function solveRowsUnchecked(
  factors: LuFactors,
  y: NumericArray,
  count: number,
  transposed = false,
): Float64Array | Float32Array {
  const single = factors.precision === 'float32';
  const n = factors.n;
  const x = single ? new Float32Array(count * n) : new Float64Array(count * n);
  x.set(y);
  if (count === 0) return x;
  if (transposed) {
    solveTransposed(factors, x, count);
    return x;
  }
  const S = single ? 4 : 8;
  const { lu, lut, pivots } = preparedFactors(factors);
  withScratch((s) => {
    const rows = s.bytes(count * n * S, false);
    const view = single ? s.float32(rows, count * n) : s.float64(rows, count * n);
    view.set(x);
    const groups: KernelGroup[] = rowChunks(count, kernelThreadCount(), MIN_CHUNK_ROWS, MAX_CHUNK_ROWS).map(
      ([r0, r1]) => [
        {
          kernel: single ? 'solve_rows_f32' : 'solve_rows_f64',
          args: [n, r1 - r0, lu, lut, pivots, rows + r0 * n * S, WORK],
        },
      ],
    );
    runKernelGroups(groups, s.kernels.gemm_work_bytes(S));
    x.set(single ? s.float32(rows, count * n) : s.float64(rows, count * n));
  });
  return x;
}

/**
 * X·W = Y on this thread (luSolveRowsTransposed and the Jacobian's J⁻ᵀ use it, for a few rows at a
 * time), with the factors prepared once (preparedFactors): a Krylov iteration calls it dozens of
 * times per layer, and copying and transposing a 784×784 LU each time took a third of its time.
 */
function solveTransposed(factors: LuFactors, x: Float64Array | Float32Array, count: number): void {
  const single = factors.precision === 'float32';
  const n = factors.n;
  const { lu, lut, pivots } = preparedFactors(factors);
  withScratch((s) => {
    const k = s.kernels;
    const rows = Math.min(count, CHUNK_ROWS);
    const buffer = single ? s.f32(Math.max(rows, 1) * n, false) : s.f64(Math.max(rows, 1) * n, false);
    const work = s.bytes(k.gemm_work_bytes(single ? 4 : 8), false);
    const view = (offset: number, m: number) => (single ? s.float32(offset, m) : s.float64(offset, m));
    const solve = single ? k.solve_rows_transposed_f32 : k.solve_rows_transposed_f64;
    for (let r0 = 0; r0 < count; r0 += CHUNK_ROWS) {
      const r1 = Math.min(count, r0 + CHUNK_ROWS);
      const chunk = view(buffer, (r1 - r0) * n);
      chunk.set(x.subarray(r0 * n, r1 * n));
      solve(n, r1 - r0, lu, lut, pivots, buffer, work);
      x.set(chunk, r0 * n);
    }
  });
}

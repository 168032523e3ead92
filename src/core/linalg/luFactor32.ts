import { checkFinite, checkOrder, checkShape, matrixLabel, type NumericArray } from './checks';
import { withScratch } from './linalgKernels';
import type { LuFactors32, LuOptions } from './luTypes';
import { maxAbs } from './maxAbs';
import { pivotSummary } from './pivotSummary';

/**
 * The same LU factorization as luFactor in float32 arithmetic: `w` is first
 * rounded to float32 (as a PyTorch float32 layer stores it) and every
 * operation after that rounds to float32 (no fused multiply-add). This is what
 * a plain float32 user gets, and comparing it with luFactor shows how much of
 * an inverse's error is the precision.
 *
 * An entry that is finite in float64 but overflows float32 (|w_ij| > 3.4e38)
 * is refused like a NaN.
 *
 * @example
 *   const f = luFactor32([1, 1e-9, 1, 1], 2);
 *   f.lu;           // Float32Array [1, 1e-9, 1, 1]: u_11 = 1 − 1e-9 rounds to 1 in float32
 *   f.minAbsPivot;  // 1 (float64 would give 0.999999999)
 */
export function luFactor32(w: NumericArray, n: number, options: LuOptions = {}): LuFactors32 {
  const op = 'luFactor32';
  checkOrder(op, n);
  checkShape(op, 'w', w, n, n);
  const rounded = Float32Array.from(w);
  checkFinite(op, `${matrixLabel(options.name, 'w')} rounded to float32`, rounded, n);
  const { lu, pivots } = withScratch((s) => {
    const a = s.f32(n * n);
    const piv = s.i32(n);
    const work = s.bytes(s.kernels.gemm_work_bytes(4));
    s.float32(a, n * n).set(rounded);
    s.kernels.lu_f32(n, a, piv, work);
    return { lu: s.float32(a, n * n).slice(), pivots: s.int32(piv, n).slice() };
  });
  return {
    precision: 'float32',
    n,
    lu,
    pivots,
    ...pivotSummary(lu, n, pivots),
    maxAbsEntry: maxAbs(rounded),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
}

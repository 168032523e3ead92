import type { NumericArray } from './checks';
import { linalgBatch } from './linalgBatch';
import type { LuFactors32, LuOptions } from './luTypes';

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
  return linalgBatch([{ kind: 'lu32', w, n, ...options }])[0] as LuFactors32;
}

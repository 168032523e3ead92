import { checkFinite, checkShape, type NumericArray } from './checks';
import { withScratch } from './linalgKernels';

/**
 * All singular values, descending, of the n×n upper bidiagonal matrix with
 * diagonal `d` (n numbers) and superdiagonal `e` (n − 1 numbers), each to high
 * relative accuracy: within a few ulps of the exact value however widely the
 * values spread (bisection with Sturm counts from the differential stationary
 * qd transform; see singularValues). Values below about 1e-150 times the
 * largest entry are reported as 0.
 *
 * @example
 *   bidiagonalSingularValues([1, 1e-20], [1]);  // [1.414…, 7.071…e-21] = [√2, 1e-20/√2], both to full relative precision
 */
export function bidiagonalSingularValues(d: NumericArray, e: NumericArray): Float64Array {
  const op = 'bidiagonalSingularValues';
  const n = d.length;
  if (n === 0) return new Float64Array(0);
  checkShape(op, 'e', e, 1, n - 1);
  checkFinite(op, 'd', d, 1);
  checkFinite(op, 'e', e, 1);
  return withScratch((s) => {
    const k = s.kernels;
    const dp = s.f64(n);
    const ep = s.f64(n);
    const out = s.f64(n);
    const work = s.bytes(k.bidiag_sv_work_bytes(n));
    s.float64(dp, n).set(d);
    s.float64(ep, n - 1).set(e);
    k.bidiag_singular_values_f64(n, dp, ep, out, work);
    return s.float64(out, n).slice();
  });
}

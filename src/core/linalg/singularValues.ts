import type { NumericArray } from './checks';
import { linalgBatch } from './linalgBatch';

export interface SingularValueOptions {
  /** How messages name the matrix. */
  readonly name?: string;
}

/**
 * All singular values of the n×n row-major matrix `w`, in descending order,
 * in float64. Two stages, both in WebAssembly:
 *
 * 1. Householder bidiagonalization Qᵀ·W·P = B (as LAPACK's dgebd2; each step
 *    fuses the left update with the product for the right reflector and the
 *    right update with the product for the next left one, four rows at a
 *    time, so the trailing matrix is streamed twice per step; about 0.1 s
 *    for n = 784). It is backward stable: B's singular values are exactly
 *    those of W + E with ‖E‖₂ of order n·ε·‖W‖₂, so every σᵢ is determined to
 *    a small multiple of ε·σmax in absolute terms, and no better.
 * 2. Bisection on the eigenvalues of BᵀB with Sturm counts from the
 *    differential stationary qd transform, sixteen shifts at once with SIMD,
 *    each bracket halved until no float lies inside it. Each count is exact
 *    for a bidiagonal within a few ulps (relatively) of B, so every singular
 *    value of B comes out to a few ulps, however small (Demmel and Kahan's
 *    high relative accuracy, which dqds also has). Bisection was chosen over
 *    dqds because its correctness rests on the counts alone, with no shift
 *    strategy to get wrong, and it vectorizes: about 20 ms for n = 784.
 *
 * Accuracy, measured against numpy (LAPACK dgesdd) on test/fixtures/linalg
 * and against singular values computed in 64-bit-mantissa arithmetic:
 * - |Δσᵢ| ≤ 17.5·ε·σmax against numpy for every fixture (n ≤ 784), and
 *   ≤ 1.3·ε·σmax against the extended-precision values (numpy: ≤ 5.5);
 * - so relative agreement 1e-10 holds for every σᵢ ≥ 4e-5·σmax, i.e. for all
 *   σᵢ when κ₂ ≤ 2.5e4 (measured: ≤ 2e-13 up to κ₂ = 1e4);
 * - at κ₂ = 1e8 the smallest σᵢ agree with numpy to 8e-10 relative, not
 *   1e-10, and cannot: numpy's own values are 8e-10 (relative) from the
 *   extended-precision ones there, ours 4e-10. Backward error ε·σmax is all
 *   the entries of a general matrix determine;
 * - matrices whose entries determine their singular values to high relative
 *   accuracy keep it: a bidiagonal with σ from 1 to 1e-31 agrees with numpy
 *   (dqds) to 6e-16 relative for every σᵢ, a graded D·G·D (κ₂ = 1.4e9) to
 *   2e-13.
 *
 * @example
 *   singularValues([3, 0, 4, 5], 2);  // Float64Array [√45, √5] = [6.708…, 2.236…]
 */
export function singularValues(w: NumericArray, n: number, options: SingularValueOptions = {}): Float64Array {
  return linalgBatch([{ kind: 'singularValues', w, n, ...options }])[0] as Float64Array;
}

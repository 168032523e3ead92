import { withScratch } from './linalgKernels';

/**
 * Aᵀ (n×m) of the row-major m×n matrix A, by the kernel's tiled transpose:
 * a plain double loop writes one value per cache line of a 784×784 result
 * (18.5 ms), and a tiled loop in JavaScript is fast (1.8 ms) only while it
 * stays optimized, which a function called a few times per analysis does not.
 *
 * @example
 *   transposed(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3);  // Float64Array [1, 4, 2, 5, 3, 6]
 */
export function transposed(a: ArrayLike<number>, m: number, n: number): Float64Array {
  if (a.length !== m * n) throw new RangeError(`transposed: a must hold ${m}×${n} numbers, got ${a.length}`);
  if (m * n === 0) return new Float64Array(0);
  return withScratch((s) => {
    const from = s.f64(m * n, false);
    const to = s.f64(m * n, false);
    s.float64(from, m * n).set(a);
    s.kernels.transpose_f64(m, n, from, to);
    return s.float64(to, m * n).slice();
  });
}

import { InvertscopeError } from '../../errors';

/**
 * The lower-triangular C with C·Cᵀ = A for a symmetric positive definite n×n
 * matrix A (row-major float64; only its lower triangle is read), by the
 * row-oriented Cholesky–Banachiewicz recurrence in float64. n³/6 multiply-adds:
 * about 0.2 s at n = 784. (src/core/linalg has no Cholesky factorization; this
 * small one serves the flow's whitening initialization.)
 *
 * Throws InvertscopeError('NUMERIC') naming the column when A is not positive
 * definite (a pivot ≤ 0), which for a covariance means a direction without
 * variance: add a ridge.
 *
 * @example
 *   cholesky(Float64Array.from([4, 2, 2, 10]), 2);  // Float64Array [2, 0, 1, 3]
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`cholesky: a must hold ${n}×${n} = ${n * n} numbers, got ${a.length}`);
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= c[ri + k] * c[rj + k];
      if (i === j) {
        if (!(s > 0)) {
          throw new InvertscopeError(
            'NUMERIC',
            `cholesky: the ${n}×${n} matrix is not positive definite (pivot ${s} in column ${i})`,
            { value: { column: i, pivot: s } },
          );
        }
        c[ri + i] = Math.sqrt(s);
      } else {
        c[ri + j] = s / c[rj + j];
      }
    }
  }
  return c;
}

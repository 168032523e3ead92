import { checkShape, type NumericArray } from './checks';

/**
 * y = A·x for the m×n row-major matrix `a`, in float64 (each yᵢ is a plain
 * left-to-right dot product).
 *
 * @example
 *   matVec([1, 2, 3, 4, 5, 6], [1, 0, -1], 2, 3);  // Float64Array [-2, -2]
 */
export function matVec(a: NumericArray, x: NumericArray, m: number, n: number): Float64Array {
  checkShape('matVec', 'a', a, m, n);
  checkShape('matVec', 'x', x, n, 1);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += a[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

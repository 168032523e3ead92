import { checkShape, type NumericArray } from './checks';

/**
 * y = Aᵀ·x for the m×n row-major matrix `a` (so y has n entries), in float64,
 * reading `a` row by row.
 *
 * @example
 *   matTVec([1, 2, 3, 4, 5, 6], [1, -1], 2, 3);  // Float64Array [-3, -3, -3]
 */
export function matTVec(a: NumericArray, x: NumericArray, m: number, n: number): Float64Array {
  checkShape('matTVec', 'a', a, m, n);
  checkShape('matTVec', 'x', x, m, 1);
  const y = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * n;
    for (let j = 0; j < n; j++) y[j] += a[row + j] * xi;
  }
  return y;
}

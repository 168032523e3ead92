import { checkShape, type NumericArray } from './checks';

/**
 * D·A for the diagonal matrix D = diag(`diagonal`) and the row-major m×n
 * matrix `a` (m = diagonal.length): row i is multiplied by diagonal[i]. A
 * LeakyReLU's Jacobian at a point is such a D (1 where the input was
 * positive, the slope elsewhere). The result goes to `out`, which may be
 * `a` itself (a product the caller owns, scaled in place rather than copied).
 *
 * @example
 *   scaleRows([2, 0.01], [1, 1, 1, 1], 2);  // Float64Array [2, 2, 0.01, 0.01]
 */
export function scaleRows(
  diagonal: NumericArray,
  a: NumericArray,
  n: number,
  out: Float64Array = new Float64Array(diagonal.length * n),
): Float64Array {
  const m = diagonal.length;
  checkShape('scaleRows', 'a', a, m, n);
  checkShape('scaleRows', 'out', out, m, n);
  for (let i = 0; i < m; i++) {
    const d = diagonal[i];
    for (let j = 0; j < n; j++) out[i * n + j] = d * a[i * n + j];
  }
  return out;
}

import type { NumericArray } from './checks';

/**
 * The diagonal of the n×n row-major `w` when every other entry is 0, else
 * null: a flow's kink layers are diagonal, and what costs O(n³) for a dense
 * matrix costs O(n) for them.
 *
 * @example
 *   diagonalOf([2, 0, 0, -3], 2);  // Float64Array [2, -3]
 *   diagonalOf([2, 1, 0, -3], 2);  // null
 */
export function diagonalOf(w: NumericArray, n: number): Float64Array | null {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && w[i * n + j] !== 0) return null;
  return Float64Array.from({ length: n }, (_, i) => w[i * n + i]);
}

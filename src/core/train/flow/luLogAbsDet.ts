import type { LuLayer } from './luLayer';

/**
 * log|det W| of an LU layer: |det P| = |det L| = 1 and |det U| = Π exp(s_i),
 * so it is Σ s_i, summed in float64.
 *
 * @example
 *   luLogAbsDet({ width: 2, packed: Float32Array.from([Math.log(2), 3, 0.5, 0]), sign: Float32Array.from([1, -1]), perm: Int32Array.from([1, 0]) });
 *   // ln 2 ≈ 0.6931 (|det W| = |1·3 − 0.5·2| = 2)
 */
export function luLogAbsDet(layer: LuLayer): number {
  const n = layer.width;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += layer.packed[i * n + i];
  return sum;
}

import { InvertscopeError } from '../../errors';
import type { LuLayer } from './luLayer';

/**
 * The layer's inverse on `count` rows, in float64: the h with h·Wᵀ + b = a for
 * every row a, by undoing the permutation and two triangular solves (forward
 * substitution with L, back substitution with U). Exact up to float64
 * rounding for any W an LU layer can hold (U's diagonal is never zero).
 *
 * @example
 *   const layer = { width: 2, packed: Float32Array.from([Math.log(2), 3, 0.5, 0]), sign: Float32Array.from([1, -1]), perm: Int32Array.from([1, 0]) };
 *   luSolve(layer, Float64Array.from([0, 0]), Float64Array.from([1.5, 5]), 1);  // [1, 1]
 */
export function luSolve(layer: LuLayer, bias: ArrayLike<number>, a: ArrayLike<number>, count: number): Float64Array {
  const n = layer.width;
  const { packed, sign, perm } = layer;
  const out = new Float64Array(count * n);
  const w = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) w[perm[i]] = a[o + i] - bias[i];
    for (let i = 1; i < n; i++) {
      let s = w[i];
      for (let j = 0; j < i; j++) s -= packed[i * n + j] * w[j];
      w[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = w[i];
      for (let j = i + 1; j < n; j++) s -= packed[i * n + j] * out[o + j];
      out[o + i] = s / (sign[i] * Math.exp(packed[i * n + i]));
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(out[o + i])) {
        throw new InvertscopeError(
          'NUMERIC',
          `luSolve: row ${r} overflowed (x[${i}] = ${out[o + i]}); the layer is too ill-conditioned for this input`,
        );
      }
    }
  }
  return out;
}

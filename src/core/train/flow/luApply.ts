import type { LuLayer } from './luLayer';

/**
 * a = h·Wᵀ + b for `count` rows of h with W = P·L·U, in float64, applied factor
 * by factor (U, then L, then the row order of P) so W is never formed: the
 * float64 statement of what the training engines compute.
 *
 * @example
 *   const layer = { width: 2, packed: Float32Array.from([Math.log(2), 3, 0.5, 0]), sign: Float32Array.from([1, -1]), perm: Int32Array.from([1, 0]) };
 *   luApply(layer, Float64Array.from([0, 0]), Float64Array.from([1, 1]), 1);  // [1.5, 5] = W·[1, 1] with W = [[1, 0.5], [2, 3]]
 */
export function luApply(layer: LuLayer, bias: ArrayLike<number>, h: ArrayLike<number>, count: number): Float64Array {
  const n = layer.width;
  const { packed, sign, perm } = layer;
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) diag[i] = sign[i] * Math.exp(packed[i * n + i]);
  const out = new Float64Array(count * n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) {
      let s = diag[i] * h[o + i];
      for (let j = i + 1; j < n; j++) s += packed[i * n + j] * h[o + j];
      v[i] = s;
    }
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let j = 0; j < i; j++) s += packed[i * n + j] * v[j];
      w[i] = s;
    }
    for (let i = 0; i < n; i++) out[o + i] = w[perm[i]] + bias[i];
  }
  return out;
}

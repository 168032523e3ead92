/**
 * Applies, in place, the Householder reflection H that maps the direction of
 * `from` onto the direction of `to` (H = I − 2wwᵀ, w ∝ from/|from| − to/|to|)
 * to the n×n row-major matrix M: M ← H·M, in O(n²). H is orthogonal, so it
 * moves the class direction without changing any volume.
 *
 * @example
 *   const m = Float64Array.from([1, 0, 0, 1]);
 *   reflectOnto(m, 2, [1, 0], [0, 1]);  // m = [0, 1, 1, 0]: the reflection swapping the axes
 */
export function reflectOnto(m: Float64Array, n: number, from: ArrayLike<number>, to: ArrayLike<number>): Float64Array {
  const w = new Float64Array(n);
  const nf = norm(from);
  const nt = norm(to);
  if (!(nf > 0 && nt > 0)) throw new RangeError('reflectOnto: both directions must be non-zero');
  for (let i = 0; i < n; i++) w[i] = from[i] / nf - to[i] / nt;
  const nw = norm(w);
  if (nw < 1e-12) return m;
  for (let i = 0; i < n; i++) w[i] /= nw;
  const wm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    for (let j = 0; j < n; j++) wm[j] += wi * m[i * n + j];
  }
  for (let i = 0; i < n; i++) {
    const f = 2 * w[i];
    if (f === 0) continue;
    for (let j = 0; j < n; j++) m[i * n + j] -= f * wm[j];
  }
  return m;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

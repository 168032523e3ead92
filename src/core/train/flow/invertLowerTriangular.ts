/**
 * The inverse of a lower-triangular n×n matrix C (row-major float64), itself
 * lower-triangular, by forward substitution one column of the identity at a
 * time. n³/6 multiply-adds.
 *
 * @example
 *   invertLowerTriangular(Float64Array.from([2, 0, 1, 3]), 2);  // [0.5, 0, -1/6, 1/3]
 */
export function invertLowerTriangular(c: Float64Array, n: number): Float64Array {
  if (c.length !== n * n) throw new RangeError(`invertLowerTriangular: c must hold ${n * n} numbers, got ${c.length}`);
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const d = c[j * n + j];
    if (d === 0 || !Number.isFinite(d)) throw new RangeError(`invertLowerTriangular: diagonal entry ${j} is ${d}`);
    inv[j * n + j] = 1 / d;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= c[i * n + k] * inv[k * n + j];
      inv[i * n + j] = s / c[i * n + i];
    }
  }
  return inv;
}

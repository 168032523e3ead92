/**
 * A plain unblocked LU with partial pivoting, written to do exactly the
 * operations the WebAssembly kernel does on a single panel (n ≤ 64): the same
 * pivot choice (first largest magnitude), a reciprocal of the pivot times
 * each multiplier, and y − l·x updates without fused multiply-add. With
 * `round` = Math.fround every operation rounds to float32, so the kernel's
 * float32 factors must match it bit for bit.
 */
export function referenceLu(
  w: ArrayLike<number>,
  n: number,
  round: (x: number) => number = (x) => x,
): { lu: Float64Array; pivots: Int32Array } {
  const a = Float64Array.from(w, round);
  const pivots = new Int32Array(n);
  const safeMin = round === Math.fround ? 1.1754944e-38 : 2.2250738585072014e-308;
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]) > Math.abs(a[p * n + j])) p = i;
    pivots[j] = p;
    if (p !== j) {
      for (let k = 0; k < n; k++) {
        const t = a[j * n + k];
        a[j * n + k] = a[p * n + k];
        a[p * n + k] = t;
      }
    }
    const pivot = a[j * n + j];
    if (pivot !== 0) {
      const r = round(1 / pivot);
      for (let i = j + 1; i < n; i++) {
        a[i * n + j] = Math.abs(pivot) >= safeMin ? round(a[i * n + j] * r) : round(a[i * n + j] / pivot);
      }
    }
    for (let i = j + 1; i < n; i++) {
      const l = a[i * n + j];
      for (let k = j + 1; k < n; k++) a[i * n + k] = round(a[i * n + k] - round(l * a[j * n + k]));
    }
  }
  return { lu: a, pivots };
}

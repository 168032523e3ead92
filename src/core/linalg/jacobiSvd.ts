/**
 * Singular value decomposition M = U·diag(σ)·Vᵀ of a small p×p row-major
 * matrix by one-sided Jacobi rotations (Hestenes): columns are rotated in
 * pairs until all are orthogonal to working precision; their norms are the σ
 * (unsorted) and V accumulates the rotations. Accurate in the relative sense
 * for well-scaled columns, and simple; meant for p up to a few dozen (the
 * Rayleigh–Ritz step of smallestSingularTriplet).
 *
 * `u` and `v` hold the singular vectors as columns (row-major p×p); a column of
 * `u` whose σ is 0 is left at 0.
 *
 * @example
 *   const { sigma } = jacobiSvd([3, 0, 4, 5], 2);
 *   sigma;  // [√5, √45] in some order
 */
export function jacobiSvd(m: ArrayLike<number>, p: number): { sigma: Float64Array; u: Float64Array; v: Float64Array } {
  if (!Number.isSafeInteger(p) || p < 1 || m.length !== p * p) {
    throw new RangeError(
      `jacobiSvd: m must hold p×p numbers for a positive integer p, got p = ${p} and ${m.length} numbers`,
    );
  }
  const g = Float64Array.from(m);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  const eps = 2 ** -53;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        let alpha = 0,
          beta = 0,
          gamma = 0;
        for (let k = 0; k < p; k++) {
          const a = g[k * p + i],
            b = g[k * p + j];
          alpha += a * a;
          beta += b * b;
          gamma += a * b;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        for (let k = 0; k < p; k++) {
          const a = g[k * p + i],
            b = g[k * p + j];
          g[k * p + i] = c * a - s * b;
          g[k * p + j] = s * a + c * b;
          const x = v[k * p + i],
            y = v[k * p + j];
          v[k * p + i] = c * x - s * y;
          v[k * p + j] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(p);
  const u = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let k = 0; k < p; k++) s = Math.hypot(s, g[k * p + j]);
    sigma[j] = s;
    if (s > 0) for (let k = 0; k < p; k++) u[k * p + j] = g[k * p + j] / s;
  }
  return { sigma, u, v };
}

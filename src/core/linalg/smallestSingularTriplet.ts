import { InvertscopeError } from '../errors';
import { createRng } from '../random/rng';
import { checkFinite, checkOrder, checkShape, matrixLabel, type NumericArray } from './checks';
import { frobeniusNorm } from './frobeniusNorm';
import { jacobiSvd } from './jacobiSvd';
import { withScratch } from './linalgKernels';
import { luDiagnosis } from './luDiagnosis';
import { luFactor } from './luFactor';
import type { LuFactors64 } from './luTypes';
import { matTVec } from './matTVec';
import { matVec } from './matVec';
import { vectorNorm } from './vectorNorm';

export interface SingularTriplet {
  /** The smallest singular value, to within the residual (absolute). */
  readonly sigma: number;
  /** Right singular vector, unit length: the input direction W shrinks most (its sign is arbitrary). */
  readonly v: Float64Array;
  /** Left singular vector (W·v = σ·u to within the residual), unit length; all zeros when σ is exactly 0. */
  readonly u: Float64Array;
  /**
   * max(‖W·v − σ·u‖, ‖Wᵀ·u − σ·v‖): (σ, u, v) is an exact singular triplet of
   * a matrix within about this distance of W, so v is within an angle of
   * about residual / (σ₂ − σ) of the true vector.
   */
  readonly residual: number;
  readonly iterations: number;
  /** Whether residual ≤ tolerance · ‖W‖_F was reached. */
  readonly converged: boolean;
}

export interface SmallestTripletOptions {
  /** W's float64 LU factors, when the caller already has them. */
  readonly factors?: LuFactors64;
  /** Default 100. Each iteration costs 12 triangular solve pairs and 7 products with W (about 6 ms at n = 784). */
  readonly maxIterations?: number;
  /** Stop when residual ≤ tolerance · ‖W‖_F; default 8·n·u (u = 2⁻⁵³), the LU factorization's own backward error level. */
  readonly tolerance?: number;
  /** Seed of the random start vector; default 1. */
  readonly seed?: number;
  /** How messages name the matrix. */
  readonly name?: string;
}

/** Vectors iterated together: the error in v shrinks by (σmin / σ₇)² per iteration instead of (σmin / σ₂)². */
const BLOCK = 6;

/**
 * The smallest singular value of the n×n matrix W with its right and left
 * singular vectors, by inverse subspace iteration with W's LU factors, never
 * forming W⁻¹ or WᵀW: a block V of 6 orthonormal vectors goes through
 * Y = W⁻ᵀ·V and V = W⁻¹·Y (each orthonormalized), then the 6×6 matrix Yᵀ·W·V
 * is diagonalized by Jacobi (two-sided Rayleigh–Ritz) and its smallest
 * singular pair gives σ, u (in span Y) and v (in span V). The error in v
 * shrinks by (σmin / σ₇)² per iteration, so even a nearly repeated σmin
 * converges in tens of iterations; a random 784×784 layer takes a few.
 *
 * Convergence is judged by the backward error max(‖W·v − σ·u‖, ‖Wᵀ·u − σ·v‖),
 * which needs u from the iteration (W·v/σ would carry rounding errors of
 * W·v amplified by ‖W‖/σ). The vectors are determined only to about
 * ε·‖W‖ / (σ₂ − σmin) by W itself, like any computed singular vector.
 *
 * For an exactly singular W (a zero pivot u_kk), v is the null vector from
 * U's first k columns and σ = ‖W·v‖ is at rounding level. singularValues
 * gives σmin itself more cheaply and as accurately; this function is for the
 * directions.
 *
 * @example
 *   const t = smallestSingularTriplet([2, 0, 0, 0.5], 2);
 *   t.sigma;  // 0.5
 *   t.v;      // [0, ±1]
 *   t.u;      // [0, ±1], with W·v = σ·u
 */
export function smallestSingularTriplet(
  w: NumericArray,
  n: number,
  options: SmallestTripletOptions = {},
): SingularTriplet {
  const op = 'smallestSingularTriplet';
  checkOrder(op, n);
  checkShape(op, 'w', w, n, n);
  checkFinite(op, matrixLabel(options.name, 'w'), w, n);
  const maxIterations = options.maxIterations ?? 100;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`${op}: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const tolerance = options.tolerance ?? 8 * n * 2 ** -53;
  if (!(tolerance > 0)) throw new RangeError(`${op}: tolerance must be positive, got ${tolerance}`);
  const factors = options.factors ?? luFactor(w, n, options.name === undefined ? {} : { name: options.name });
  if (factors.n !== n) {
    throw new RangeError(`${op}: factors are for n = ${factors.n} but w is ${n}×${n}`);
  }
  const scale = frobeniusNorm(w);
  if (scale === 0) {
    const v = new Float64Array(n);
    v[0] = 1;
    return { sigma: 0, v, u: new Float64Array(n), residual: 0, iterations: 0, converged: true };
  }
  if (luDiagnosis(factors).status === 'singular') return nullTriplet(w, n, factors);

  const p = Math.min(BLOCK, n);
  const rng = createRng(options.seed ?? 1);
  const start = Float64Array.from({ length: p * n }, () => rng.normal());
  orthonormalizeRows(start, p, n);
  let best: SingularTriplet | undefined;
  let sinceBest = 0;
  withScratch((s) => {
    const k = s.kernels;
    // Written whole before they are read: not zeroed first (15 MB at n = 784).
    const lu = s.f64(n * n, false);
    const lut = s.f64(n * n, false);
    const wt = s.f64(n * n, false);
    const piv = s.i32(n);
    const block = s.f64(p * n);
    const image = s.f64(p * n);
    const work = s.bytes(k.gemm_work_bytes(8));
    // `lu` stages W on its way to Wᵀ before it takes the factors (`image` only holds p rows).
    s.float64(lu, n * n).set(w);
    k.transpose_f64(n, n, lu, wt);
    s.float64(lu, n * n).set(factors.lu);
    s.int32(piv, n).set(factors.pivots);
    k.transpose_f64(n, n, lu, lut);
    const view = s.float64(block, p * n);
    view.set(start);
    for (let it = 1; it <= maxIterations; it++) {
      // Y = W⁻ᵀ·V, orthonormalized; V = W⁻¹·Y, orthonormalized.
      k.solve_rows_transposed_f64(n, p, lu, lut, piv, block, work);
      if (!orthonormalizeRows(view, p, n)) break;
      const y = view.slice();
      k.solve_rows_f64(n, p, lu, lut, piv, block, work);
      if (!orthonormalizeRows(view, p, n)) break;
      // Rows of C are W·vⱼ; M = Y·Cᵀ is W restricted to the two subspaces.
      k.gemm_f64(p, n, n, 1, block, n, wt, n, 0, image, n, work);
      const c = s.float64(image, p * n);
      const m = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          let d = 0;
          for (let q = 0; q < n; q++) d += y[i * n + q] * c[j * n + q];
          m[i * p + j] = d;
        }
      }
      const svd = jacobiSvd(m, p);
      // Rotate the block to the Ritz vectors (it converges faster) and pick the smallest.
      const v = combineRows(view, svd.v, p, n);
      view.set(v);
      let min = 0;
      for (let j = 1; j < p; j++) if (svd.sigma[j] < svd.sigma[min]) min = j;
      const sigma = svd.sigma[min];
      const vMin = v.slice(min * n, (min + 1) * n);
      const uMin = combineRows(y, svd.u, p, n).slice(min * n, (min + 1) * n);
      normalize(vMin);
      normalize(uMin);
      const wv = combineRows(c, svd.v, p, n).subarray(min * n, (min + 1) * n);
      const wtu = matTVec(w, uMin, n, n);
      for (let q = 0; q < n; q++) {
        wv[q] -= sigma * uMin[q];
        wtu[q] -= sigma * vMin[q];
      }
      const residual = Math.max(vectorNorm(wv), vectorNorm(wtu));
      const current = { sigma, v: vMin, u: uMin, residual, iterations: it, converged: residual <= tolerance * scale };
      if (best === undefined || residual < best.residual) {
        best = current;
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      // Stop when converged or after five iterations without progress (rounding errors dominate).
      if (current.converged || sinceBest >= 5) break;
    }
  });
  if (best === undefined) {
    throw new InvertscopeError(
      'NUMERIC',
      `${op}: inverse iteration broke down on ${matrixLabel(options.name)}; ${luDiagnosis(factors).message}`,
    );
  }
  return best;
}

/** Row k of the result is Σⱼ c[j,k]·x_j over the rows x_j of x (p×n): X ← Cᵀ·X. */
function combineRows(x: ArrayLike<number>, c: Float64Array, p: number, n: number): Float64Array {
  const out = new Float64Array(p * n);
  for (let k = 0; k < p; k++) {
    for (let j = 0; j < p; j++) {
      const f = c[j * p + k];
      if (f === 0) continue;
      for (let q = 0; q < n; q++) out[k * n + q] += f * x[j * n + q];
    }
  }
  return out;
}

/** Modified Gram–Schmidt, twice, on the p rows of x; false if a row vanishes or is not finite. */
function orthonormalizeRows(x: Float64Array, p: number, n: number): boolean {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < p; i++) {
      const row = x.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < i; j++) {
        const other = x.subarray(j * n, (j + 1) * n);
        let d = 0;
        for (let q = 0; q < n; q++) d += row[q] * other[q];
        for (let q = 0; q < n; q++) row[q] -= d * other[q];
      }
      if (!normalize(row)) return false;
    }
  }
  return true;
}

/** Scales x to unit length in place; false when it cannot (zero or not finite). */
function normalize(x: Float64Array): boolean {
  const norm = vectorNorm(x);
  if (!(norm > 0) || !Number.isFinite(norm)) return false;
  for (let i = 0; i < x.length; i++) x[i] /= norm;
  return true;
}

/**
 * A null vector of W = Pᵀ·L·U from the first zero pivot u_kk: x_k = 1,
 * x_j = 0 for j > k, and U[0..k, 0..k]·x[0..k] = −U[0..k, k] (its pivots are
 * nonzero), so U·x = 0 and W·x = 0.
 */
function nullTriplet(w: NumericArray, n: number, factors: LuFactors64): SingularTriplet {
  const { lu } = factors;
  let k = 0;
  while (k < n && lu[k * n + k] !== 0) k++;
  const v = new Float64Array(n);
  v[k] = 1;
  for (let j = k - 1; j >= 0; j--) {
    let s = 0;
    for (let p = j + 1; p <= k; p++) s += lu[j * n + p] * v[p];
    v[j] = -s / lu[j * n + j];
  }
  normalize(v);
  const u = matVec(w, v, n, n);
  const sigma = vectorNorm(u);
  if (sigma > 0) for (let i = 0; i < n; i++) u[i] /= sigma;
  else u.fill(0);
  const r = matTVec(w, u, n, n);
  for (let i = 0; i < n; i++) r[i] -= sigma * v[i];
  return { sigma, v, u, residual: vectorNorm(r), iterations: 0, converged: true };
}

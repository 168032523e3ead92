/**
 * One LU-parametrized square layer, W = P·L·U, in PyTorch's layout (y = x·Wᵀ + b):
 * - L is unit lower-triangular and U upper-triangular with diagonal u_ii = sign_i·exp(s_i);
 * - P is a fixed permutation: row i of W is row perm[i] of L·U.
 *
 * `packed` holds every trainable number of the layer in one row-major n×n array,
 * as LAPACK's getrf stores its factors: L strictly below the diagonal, U strictly
 * above it, and s = log|u_ii| on the diagonal. Keeping log|u_ii| makes
 * log|det W| = Σ s_i a plain sum and means no optimizer step can make W
 * singular; `sign` and `perm` never change while training. Adam's moments of a
 * layer use the same packed layout.
 *
 * @example
 *   // n = 2: L = [[1, 0], [0.5, 1]], U = [[2, 3], [0, -1]], rows of L·U swapped.
 *   const layer: LuLayer = {
 *     width: 2,
 *     packed: Float32Array.from([Math.log(2), 3, 0.5, 0]),
 *     sign: Float32Array.from([1, -1]),
 *     perm: Int32Array.from([1, 0]),
 *   };
 *   // L·U = [[2, 3], [1, 0.5]], so W = [[1, 0.5], [2, 3]] and log|det W| = ln 2.
 */
export interface LuLayer {
  readonly width: number;
  readonly packed: Float32Array;
  readonly sign: Float32Array;
  readonly perm: Int32Array;
}

/** Throws a RangeError naming the field when `layer` is not a valid LU layer. */
export function validateLuLayer(layer: LuLayer, where: string): void {
  const n = layer.width;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${where}: width must be a positive integer, got ${n}`);
  if (layer.packed.length !== n * n) {
    throw new RangeError(`${where}: packed must hold ${n}×${n} = ${n * n} numbers, got ${layer.packed.length}`);
  }
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(layer.packed[i])) throw new RangeError(`${where}: packed[${i}] is ${layer.packed[i]}`);
  }
  if (layer.sign.length !== n) throw new RangeError(`${where}: sign must hold ${n} numbers, got ${layer.sign.length}`);
  layer.sign.forEach((s, i) => {
    if (s !== 1 && s !== -1) throw new RangeError(`${where}: sign[${i}] must be 1 or -1, got ${s}`);
  });
  if (layer.perm.length !== n) throw new RangeError(`${where}: perm must hold ${n} indices, got ${layer.perm.length}`);
  const seen = new Uint8Array(n);
  layer.perm.forEach((p, i) => {
    if (!(Number.isInteger(p) && p >= 0 && p < n) || seen[p]) {
      throw new RangeError(`${where}: perm is not a permutation of 0..${n - 1} (perm[${i}] = ${p})`);
    }
    seen[p] = 1;
  });
}

/** The layer with L = I, U = I, P = I: W = I. */
export function identityLuLayer(n: number): LuLayer {
  return {
    width: n,
    packed: new Float32Array(n * n),
    sign: new Float32Array(n).fill(1),
    perm: Int32Array.from({ length: n }, (_, i) => i),
  };
}

/** The diagonal layer W = diag(weight) (P = I, L = I, U = W). */
export function diagonalLuLayer(weight: ArrayLike<number>): LuLayer {
  const n = weight.length;
  const packed = new Float32Array(n * n);
  const sign = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    packed[i * n + i] = Math.log(Math.abs(weight[i]));
    sign[i] = weight[i] < 0 ? -1 : 1;
  }
  return { width: n, packed, sign, perm: Int32Array.from({ length: n }, (_, i) => i) };
}

/**
 * The layer of a lower-triangular W (row-major n×n, nonzero diagonal) without
 * pivoting: W = L·D with L = W·D⁻¹ unit lower-triangular and U = D diagonal.
 *
 * @example
 *   lowerTriangularLuLayer(Float64Array.from([2, 0, 1, -4]), 2);  // packed [ln 2, 0, 0.5, ln 4], sign [1, -1]
 */
export function lowerTriangularLuLayer(w: ArrayLike<number>, n: number): LuLayer {
  if (w.length !== n * n)
    throw new RangeError(`lowerTriangularLuLayer: w must hold ${n}×${n} numbers, got ${w.length}`);
  const packed = new Float32Array(n * n);
  const sign = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const d = w[j * n + j];
    if (!(Number.isFinite(d) && d !== 0)) throw new RangeError(`lowerTriangularLuLayer: w[${j}, ${j}] is ${d}`);
    packed[j * n + j] = Math.log(Math.abs(d));
    sign[j] = d < 0 ? -1 : 1;
    for (let i = j + 1; i < n; i++) packed[i * n + j] = w[i * n + j] / d;
  }
  return { width: n, packed, sign, perm: Int32Array.from({ length: n }, (_, i) => i) };
}

/** perm's inverse: inverse[perm[i]] = i. */
export function inversePermutation(perm: ArrayLike<number>): Int32Array {
  const inverse = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) inverse[perm[i]] = i;
  return inverse;
}

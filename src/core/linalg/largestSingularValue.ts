import { createRng } from '../random/rng';
import { matmul } from './matmul';
import { singularValues } from './singularValues';
import { transposed } from './transposed';

/**
 * A square n×n operator A known only by its action on row blocks: `apply`
 * maps each row x of a block (count × n) to the row (A·xᵀ)ᵀ, and
 * `applyTransposed` each row y to (Aᵀ·yᵀ)ᵀ. Either may return null when a row
 * has no finite image (an overflow, an exactly singular factor).
 */
export interface RowOperator {
  readonly n: number;
  apply(rows: Float64Array, count: number): Float64Array | null;
  applyTransposed(rows: Float64Array, count: number): Float64Array | null;
}

export interface LargestSingularValueOptions {
  /** Vectors per Krylov block; default 16 (fewer when n is smaller). */
  readonly block?: number;
  /** Stop when a block raises the estimate by at most this share of it; default 1e-13. */
  readonly tolerance?: number;
  /** Seed of the random start block; default 1. */
  readonly seed?: number;
  /** Basis dimension after which the operator is formed instead; default 256. */
  readonly maxDimension?: number;
}

export interface LargestSingularValue {
  readonly sigma: number;
  /** Dimension of the Krylov basis it was read from; n when A was formed. */
  readonly dimension: number;
  /** Whether A was formed (A applied to the identity) and all its singular values taken. */
  readonly formed: boolean;
}

/**
 * A block's rows whose norm falls below this share of their norm before
 * orthogonalization are dropped: what is left of them is mostly rounding,
 * and kept it would cost the basis its orthogonality.
 */
const DEPENDENT = 1e-4;
/** How far the basis may be from orthonormal (max |QQᵀ − I|) for its estimate to stand. */
const ORTHONORMAL = 1e-10;

/**
 * σmax of an operator without forming it, by block Krylov iteration on AᵀA
 * with a fully reorthogonalized basis Q (Rayleigh–Ritz): a random block V,
 * then AᵀA·V, (AᵀA)²·V, …, each orthogonalized against Q twice. After each
 * block the estimate is σmax(A·Q), from the Gram matrix of A·Q's rows; it
 * grows with Q and is σmax(A) once Q spans the top singular direction,
 * which a Krylov space reaches in far fewer blocks than a power iteration
 * (the gap enters under a square root). It stops when a block adds at most
 * `tolerance` of the estimate, when a block lies in Q already (an invariant
 * subspace: the estimate is then exact), or when Q spans everything. When
 * the basis reaches `maxDimension` first, or is found not orthonormal (a
 * non-orthonormal Q could overstate σmax), A is formed from its action on
 * the identity and σmax is its largest singular value (singularValues).
 * Otherwise a few power steps from the top Ritz vector polish it
 * (refinedByPower) and the larger of the two lower bounds is σmax.
 *
 * κ of an end-to-end Jacobian needs σmax(J⁻¹): forming J⁻¹ by four layer
 * solves of 784 rows and taking all its singular values cost about 0.2 s on
 * a Base network, and a few blocks of 16 rows through the same solves cost
 * 50–90 ms. Null when the operator gives no finite image.
 *
 * @example
 *   const diag: RowOperator = { n: 2, apply: (x) => x.map((v, i) => v * [3, 1][i % 2]), applyTransposed: (x) => x.map((v, i) => v * [3, 1][i % 2]) };
 *   largestSingularValue(diag)?.sigma;  // 3
 */
export function largestSingularValue(
  op: RowOperator,
  options: LargestSingularValueOptions = {},
): LargestSingularValue | null {
  const n = op.n;
  const block = Math.min(n, options.block ?? 16);
  const tolerance = options.tolerance ?? 1e-13;
  const maxDimension = Math.min(n, options.maxDimension ?? 256);
  const rng = createRng(options.seed ?? 1);
  const basis: Float64Array[] = [];
  const images: Float64Array[] = [];
  let next: Float64Array = Float64Array.from({ length: block * n }, () => rng.normal());
  let nextCount = block;
  let sigma = 0;
  let gram: Float64Array = new Float64Array(0);
  for (;;) {
    const fresh = orthonormalized(next, nextCount, n, basis);
    if (fresh.length === 0) break;
    const rows = concatRows(fresh, n);
    const image = op.apply(rows, fresh.length);
    if (!image || !image.every(Number.isFinite)) return null;
    fresh.forEach((row, k) => {
      basis.push(row);
      images.push(image.subarray(k * n, (k + 1) * n));
    });
    const previous = sigma;
    gram = rowGram(images, n);
    sigma = largestRowSingularValue(gram, images.length);
    if (basis.length >= n || sigma - previous <= tolerance * sigma) break;
    if (basis.length >= maxDimension) return formed(op);
    const following = op.applyTransposed(image, fresh.length);
    if (!following || !following.every(Number.isFinite)) return null;
    next = following;
    nextCount = fresh.length;
  }
  if (orthonormalityError(basis, n) > ORTHONORMAL) return formed(op);
  const refined = refinedByPower(op, basis, gram, tolerance);
  if (refined === null) return null;
  return { sigma: Math.max(sigma, refined), dimension: basis.length, formed: false };
}

/** Power steps on the small Gram matrix for the top Ritz vector's coefficients, and on AᵀA for the vector. */
const POWER_STEPS = 60;

/**
 * ‖A·x‖ after power steps x ← AᵀA·x/‖AᵀA·x‖ from the top Ritz vector, until
 * it stops growing: a lower bound of σmax, like the Krylov estimate. It
 * matters when the top singular value stands far above the rest (a trained
 * network's J⁻¹): the next blocks then lie in the basis to within less than
 * DEPENDENT and are dropped, leaving the Ritz vector good to only about
 * (σ₂/σ₁)², where each power step multiplies its error by that again.
 */
function refinedByPower(
  op: RowOperator,
  basis: readonly Float64Array[],
  gram: Float64Array,
  tolerance: number,
): number | null {
  const n = op.n;
  const m = basis.length;
  let c = new Float64Array(m).fill(1 / Math.sqrt(m));
  for (let step = 0; step < POWER_STEPS; step++) {
    const next = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += gram[i * m + j] * c[j];
      next[i] = s;
    }
    const size = norm(next);
    if (!(size > 0)) break;
    c = next.map((v) => v / size);
  }
  let x: Float64Array = new Float64Array(n);
  basis.forEach((q, i) => {
    for (let j = 0; j < n; j++) x[j] += c[i] * q[j];
  });
  let best = 0;
  for (let step = 0; step < POWER_STEPS; step++) {
    const size = norm(x);
    if (!(size > 0)) break;
    x = x.map((v) => v / size);
    const image = op.apply(x, 1);
    if (!image || !image.every(Number.isFinite)) return null;
    const sigma = norm(image);
    const grew = sigma - best > tolerance * sigma;
    best = Math.max(best, sigma);
    if (!grew) break;
    const back = op.applyTransposed(image, 1);
    if (!back || !back.every(Number.isFinite)) return null;
    x = back;
  }
  return best;
}

/** σmax of A formed as the rows (A·eᵢ)ᵀ, that is Aᵀ, which has A's singular values. */
function formed(op: RowOperator): LargestSingularValue | null {
  const n = op.n;
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  const rows = op.apply(identity, n);
  if (!rows || !rows.every(Number.isFinite)) return null;
  return { sigma: singularValues(rows, n)[0], dimension: n, formed: true };
}

/** max |QQᵀ − I| over the basis rows. */
function orthonormalityError(basis: readonly Float64Array[], n: number): number {
  const m = basis.length;
  if (m === 0) return 0;
  const gram = rowGram(basis, n);
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) worst = Math.max(worst, Math.abs(gram[i * m + j] - (i === j ? 1 : 0)));
  return worst;
}

/**
 * The rows of `block` orthogonalized against `basis` and each other, unit
 * length; rows already in the span are dropped. Against the basis: block
 * classical Gram–Schmidt (two products with the kernel), done twice, which
 * keeps the basis orthogonal to rounding level; within the block: modified
 * Gram–Schmidt, also twice.
 */
function orthonormalized(
  block: Float64Array,
  count: number,
  n: number,
  basis: readonly Float64Array[],
): Float64Array[] {
  const before = Array.from({ length: count }, (_, r) => norm(block.subarray(r * n, (r + 1) * n)));
  let z = block;
  if (basis.length > 0) {
    const m = basis.length;
    const q = concatRows(basis, n);
    const qt = transposed(q, m, n);
    for (let pass = 0; pass < 2; pass++) {
      const c = matmul(z, qt, count, n, m);
      const projection = matmul(c, q, count, m, n);
      z = z.map((v, i) => v - projection[i]);
    }
  }
  const kept: Float64Array[] = [];
  for (let r = 0; r < count; r++) {
    const row = z.slice(r * n, (r + 1) * n);
    if (!(before[r] > 0)) continue;
    for (let pass = 0; pass < 2; pass++) for (const k of kept) subtractProjection(row, k);
    const after = norm(row);
    if (!(after > DEPENDENT * before[r])) continue;
    for (let j = 0; j < n; j++) row[j] /= after;
    kept.push(row);
  }
  return kept;
}

function subtractProjection(row: Float64Array, q: Float64Array): void {
  let dot = 0;
  for (let j = 0; j < row.length; j++) dot += row[j] * q[j];
  for (let j = 0; j < row.length; j++) row[j] -= dot * q[j];
}

function norm(row: Float64Array): number {
  let s = 0;
  for (let j = 0; j < row.length; j++) s += row[j] * row[j];
  return Math.sqrt(s);
}

function concatRows(rows: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(rows.length * n);
  rows.forEach((r, k) => out.set(r, k * n));
  return out;
}

/** σmax of the m rows whose Gram matrix is `gram`: the square root of its largest eigenvalue. */
function largestRowSingularValue(gram: Float64Array, m: number): number {
  // The Gram matrix is symmetric positive semidefinite: its singular values are its eigenvalues.
  return Math.sqrt(singularValues(gram, m)[0]);
}

/** The Gram matrix Y·Yᵀ (m × m) of the rows Y. */
function rowGram(rows: readonly Float64Array[], n: number): Float64Array {
  const m = rows.length;
  const y = concatRows(rows, n);
  return matmul(y, transposed(y, m, n), m, n, m);
}

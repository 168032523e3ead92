import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The numpy reference fixtures written by scripts/make-linalg-fixtures.py
 * (numpy 1.24 on OpenBLAS's LAPACK: svd = dgesdd, slogdet = dgetrf, solve =
 * dgesv), read from test/fixtures/linalg.
 */
export interface LinalgFixture {
  readonly name: string;
  readonly n: number;
  readonly description: string;
  /** The matrix widened to float64. */
  readonly matrix: Float64Array;
  /** numpy's singular values, descending. */
  readonly sigma: Float64Array;
  /** The singular values the matrix was built from (U·diag(s)·Vᵀ fixtures). */
  readonly designSigma?: Float64Array;
  /** numpy's κ₂. */
  readonly cond: number;
  readonly slogdet: { readonly sign: number; readonly logAbsDet: number };
  readonly solve: {
    readonly count: number;
    readonly rhs: Float64Array;
    readonly xTrue: Float64Array;
    readonly xNumpy: Float64Array;
  };
}

interface IndexEntry {
  name: string;
  n: number;
  description: string;
  matrix: string;
  matrixType: 'float32' | 'float64';
  sigma: string;
  designSigma?: string;
  cond: number;
  slogdet: { sign: number; logAbsDet: number };
  solve: { count: number; rhs: string; xTrue: string; xNumpy: string };
}

/** From out/test/unit/linalg back to the sources. */
export const FIXTURE_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'linalg');

function readFloats(file: string, type: 'float32' | 'float64' = 'float64'): Float64Array {
  const bytes = readFileSync(join(FIXTURE_DIR, file));
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return type === 'float32' ? Float64Array.from(new Float32Array(copy)) : new Float64Array(copy);
}

const cache = new Map<string, LinalgFixture>();

export function fixtureNames(): string[] {
  return readIndex().map((e) => e.name);
}

function readIndex(): IndexEntry[] {
  return (JSON.parse(readFileSync(join(FIXTURE_DIR, 'index.json'), 'utf8')) as { fixtures: IndexEntry[] }).fixtures;
}

export function loadFixture(name: string): LinalgFixture {
  const hit = cache.get(name);
  if (hit) return hit;
  const e = readIndex().find((f) => f.name === name);
  if (!e) throw new Error(`no linalg fixture "${name}" in ${FIXTURE_DIR}/index.json`);
  const fixture: LinalgFixture = {
    name: e.name,
    n: e.n,
    description: e.description,
    matrix: readFloats(e.matrix, e.matrixType),
    sigma: readFloats(e.sigma),
    ...(e.designSigma === undefined ? {} : { designSigma: readFloats(e.designSigma) }),
    cond: e.cond,
    slogdet: e.slogdet,
    solve: {
      count: e.solve.count,
      rhs: readFloats(e.solve.rhs),
      xTrue: readFloats(e.solve.xTrue),
      xNumpy: readFloats(e.solve.xNumpy),
    },
  };
  cache.set(name, fixture);
  return fixture;
}

/** Machine epsilon of float64, 2⁻⁵² (twice the unit roundoff). */
export const EPS = 2 ** -52;
/** Machine epsilon of float32, 2⁻²³. */
export const EPS32 = 2 ** -23;

/** max |a_i − b_i| / max |b_i|. */
export function normwiseError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let size = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    size = Math.max(size, Math.abs(b[i]));
  }
  return diff / size;
}

/** A seeded matrix with entries uniform in (−1, 1). */
export function randomMatrix(rng: { uniform(): number }, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => 2 * rng.uniform() - 1);
}

/** The plain triple loop C = A·B, the reference for the blocked kernel. */
export function naiveProduct(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
  return c;
}

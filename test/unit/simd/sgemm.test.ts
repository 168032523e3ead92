import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SGEMM } from '../../../src/core/wasm/f32Kernels';
import { createRng, gamma, KernelHarness, randomF32 } from './kernelHarness';

// Reference values come from float64 sums of the same float32 inputs. The kernel sums
// each output element in k order with one rounding per product and one per addition
// (plus one for C += ), so its error is at most γ_{k+2}·(Σ|a·b| + |C₀|) (Higham, Accuracy
// and Stability of Numerical Algorithms, §3.1): a proven bound, not a guess, and far
// below what a wrong index or a missed term would produce.

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  /** Block of C to compute; the rest of C must stay untouched. */
  range?: [number, number, number, number];
}

const harness = new KernelHarness();

function runCase(c: Case, seed: number): void {
  const { m, n, k, transA, transB, accumulate } = c;
  const [i0, i1, j0, j1] = c.range ?? [0, m, 0, n];
  const rng = createRng(seed);
  // Leading dimensions a little larger than needed, to catch a kernel that ignores them.
  const lda = (transA ? m : k) + 3;
  const ldb = (transB ? k : n) + 2;
  const ldc = n + 5;
  const A = randomF32(rng, (transA ? k : m) * lda);
  const B = randomF32(rng, (transB ? n : k) * ldb);
  const C0 = randomF32(rng, m * ldc);
  const a = (i: number, p: number) => (transA ? A[p * lda + i] : A[i * lda + p]);
  const b = (p: number, j: number) => (transB ? B[j * ldb + p] : B[p * ldb + j]);
  const flags = (transA ? SGEMM.TRANS_A : 0) | (transB ? SGEMM.TRANS_B : 0) | (accumulate ? SGEMM.ACCUMULATE : 0);

  const { kernels } = harness;
  const pa = harness.put(A),
    pb = harness.put(B),
    pc = harness.put(C0);
  const work = harness.alloc(kernels.sgemmWorkspaceBytes(k, j1 - j0));
  kernels.sgemm(flags, k, pa, lda, pb, ldb, pc, ldc, i0, i1, j0, j1, work);
  const C = harness.f32(pc, m * ldc);

  const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} accumulate=${accumulate} range=${[i0, i1, j0, j1]}`;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = C[i * ldc + j];
      if (i < i0 || i >= i1 || j < j0 || j >= j1) {
        assert.equal(got, C0[i * ldc + j], `${label}: C[${i}][${j}] outside the range changed`);
        continue;
      }
      let exact = accumulate ? C0[i * ldc + j] : 0;
      let scale = Math.abs(exact);
      for (let p = 0; p < k; p++) {
        exact += a(i, p) * b(p, j);
        scale += Math.abs(a(i, p) * b(p, j));
      }
      const bound = gamma(k + 2) * scale;
      assert.ok(Math.abs(got - exact) <= bound, `${label}: C[${i}][${j}] = ${got}, expected ${exact} ± ${bound}`);
    }
  }
}

const forms: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('sgemm', () => {
  for (const [transA, transB] of forms) {
    const form = `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;

    it(`computes ${form} for row counts around the 5-row tile and odd small sizes`, () => {
      let seed = 1;
      for (const m of [1, 3, 5, 6, 63, 64, 65]) {
        for (const [n, k] of [
          [1, 1],
          [7, 3],
          [13, 9],
          [8, 16],
          [17, 5],
        ]) {
          runCase({ m, n, k, transA, transB, accumulate: false }, seed++);
        }
      }
    });

    it(`computes ${form} with k and n of 784 (the layer width)`, () => {
      runCase({ m: 5, n: 784, k: 784, transA, transB, accumulate: false }, 11);
      runCase({ m: 65, n: 13, k: 784, transA, transB, accumulate: false }, 12);
      runCase({ m: 3, n: 784, k: 64, transA, transB, accumulate: false }, 13);
    });

    it(`accumulates into C for ${form}`, () => {
      runCase({ m: 7, n: 19, k: 33, transA, transB, accumulate: true }, 21);
      runCase({ m: 64, n: 64, k: 5, transA, transB, accumulate: true }, 22);
    });

    it(`computes only the requested block of C for ${form}`, () => {
      runCase({ m: 40, n: 50, k: 21, transA, transB, accumulate: false, range: [3, 27, 9, 41] }, 31);
      runCase({ m: 40, n: 50, k: 21, transA, transB, accumulate: true, range: [0, 1, 49, 50] }, 32);
      runCase({ m: 40, n: 50, k: 21, transA, transB, accumulate: false, range: [12, 12, 0, 50] }, 33);
    });
  }

  it('with k = 0 sets the block to zero, or leaves it when accumulating', () => {
    runCase({ m: 6, n: 9, k: 0, transA: false, transB: false, accumulate: false, range: [1, 5, 2, 7] }, 41);
    runCase({ m: 6, n: 9, k: 0, transA: true, transB: true, accumulate: true, range: [1, 5, 2, 7] }, 42);
  });

  it('splits across disjoint blocks with the same result as one call', () => {
    const rng = createRng(51);
    const m = 23,
      n = 37,
      k = 29;
    const A = randomF32(rng, m * k),
      B = randomF32(rng, k * n);
    const { kernels } = harness;
    const pa = harness.put(A),
      pb = harness.put(B);
    const whole = harness.alloc(m * n * 4),
      split = harness.alloc(m * n * 4);
    const work = harness.alloc(kernels.sgemmWorkspaceBytes(k, n));
    kernels.sgemm(0, k, pa, k, pb, n, whole, n, 0, m, 0, n, work);
    for (const [i0, i1, j0, j1] of [
      [0, 11, 0, 16],
      [0, 11, 16, 37],
      [11, 23, 0, 16],
      [11, 23, 16, 37],
    ]) {
      kernels.sgemm(0, k, pa, k, pb, n, split, n, i0, i1, j0, j1, work);
    }
    assert.deepEqual(harness.f32(split, m * n), harness.f32(whole, m * n));
  });
});

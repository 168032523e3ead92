import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chainJacobian } from '../../../src/core/linalg/chainJacobian';
import { conditionNumber } from '../../../src/core/linalg/conditionNumber';
import { frobeniusNorm } from '../../../src/core/linalg/frobeniusNorm';
import { jacobiSvd } from '../../../src/core/linalg/jacobiSvd';
import { withScratch } from '../../../src/core/linalg/linalgKernels';
import { matmul } from '../../../src/core/linalg/matmul';
import { matTVec } from '../../../src/core/linalg/matTVec';
import { matVec } from '../../../src/core/linalg/matVec';
import { maxAbs } from '../../../src/core/linalg/maxAbs';
import { scaleRows } from '../../../src/core/linalg/scaleRows';
import { singularValues } from '../../../src/core/linalg/singularValues';
import { spectralSummary } from '../../../src/core/linalg/spectralSummary';
import { stableRank } from '../../../src/core/linalg/stableRank';
import { vectorNorm } from '../../../src/core/linalg/vectorNorm';
import { createRng } from '../../../src/core/random/rng';
import { EPS, loadFixture, naiveProduct, randomMatrix } from './linalgFixtures';

/** |c_ij − ref_ij| ≤ k·ε·Σ_p |a_ip|·|b_pj| with |a|, |b| < 1: at most k²·ε. */
function assertProductClose(c: ArrayLike<number>, ref: ArrayLike<number>, k: number): void {
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(c[i] - ref[i]) <= 2 * k * k * EPS + 0, `entry ${i}`);
}

describe('matmul', () => {
  it('matches the triple loop on shapes that cross every block and tile edge', () => {
    const rng = createRng(31);
    const shapes: Array<[number, number, number]> = [
      [1, 1, 1],
      [1, 7, 1],
      [5, 3, 9],
      [4, 128, 4],
      [7, 129, 13],
      [3, 600, 515],
      [66, 300, 17],
      [130, 257, 130],
    ];
    for (const [m, k, n] of shapes) {
      const a = randomMatrix(rng, m, k);
      const b = randomMatrix(rng, k, n);
      assertProductClose(matmul(a, b, m, k, n), naiveProduct(a, b, m, k, n), k);
    }
  });

  it('is exact on small integers and handles empty shapes', () => {
    assert.deepEqual(Array.from(matmul([1, 2, 3, 4], [0, 1, 1, 0], 2, 2, 2)), [2, 1, 4, 3]);
    assert.deepEqual(Array.from(matmul([1, 2, 3], [4, 5, 6], 1, 3, 1)), [32]);
    assert.deepEqual(Array.from(matmul([], [], 0, 0, 0)), []);
    assert.deepEqual(Array.from(matmul([], [], 2, 0, 2)), [0, 0, 0, 0]);
  });

  it('rejects mismatched shapes', () => {
    assert.throws(
      () => matmul([1, 2, 3], [1, 2], 1, 3, 1),
      (e: unknown) => e instanceof RangeError && /matmul: b must hold 3×1 = 3 numbers, got 2/.test(e.message),
    );
  });
});

describe('matrix–vector helpers', () => {
  it('compute A·x and Aᵀ·x', () => {
    assert.deepEqual(Array.from(matVec([1, 2, 3, 4, 5, 6], [1, 0, -1], 2, 3)), [-2, -2]);
    assert.deepEqual(Array.from(matTVec([1, 2, 3, 4, 5, 6], [1, -1], 2, 3)), [-3, -3, -3]);
    assert.throws(() => matVec([1, 2], [1], 1, 2), /matVec: x must hold 2×1 = 2 numbers, got 1/);
  });

  it('scale rows by a diagonal', () => {
    assert.deepEqual(Array.from(scaleRows([2, 0.01], [1, 1, 1, 1], 2)), [2, 2, 0.01, 0.01]);
    assert.throws(() => scaleRows([1, 2], [1, 2, 3], 2), /scaleRows: a must hold 2×2 = 4 numbers, got 3/);
  });

  it('scale rows in place when given the matrix itself as the result', () => {
    const a = Float64Array.of(1, 2, 3, 4);
    assert.equal(scaleRows([2, 0.5], a, 2, a), a);
    assert.deepEqual(Array.from(a), [2, 4, 1.5, 2]);
    assert.throws(
      () => scaleRows([1, 2], a, 2, new Float64Array(3)),
      /scaleRows: out must hold 2×2 = 4 numbers, got 3/,
    );
  });

  it('take norms without overflow or underflow', () => {
    assert.ok(Math.abs(vectorNorm([3e200, 4e200]) - 5e200) <= 2 * EPS * 5e200);
    assert.ok(Math.abs(vectorNorm([3e-200, 4e-200]) - 5e-200) <= 2 * EPS * 5e-200);
    assert.equal(vectorNorm([3, 4]), 5);
    assert.equal(vectorNorm([Number.MAX_VALUE, 0]), Number.MAX_VALUE);
    assert.equal(vectorNorm([]), 0);
    assert.ok(Number.isNaN(vectorNorm([1, Number.NaN])));
    assert.equal(frobeniusNorm([1, 2, 2, 4]), 5);
    assert.equal(maxAbs([3, -7, 2]), 7);
  });
});

describe('chainJacobian', () => {
  it('equals the explicit product D₂·W₂·D₁·W₁ of layers and slopes', () => {
    const n = 33;
    const rng = createRng(40);
    const w1 = randomMatrix(rng, n, n),
      w2 = randomMatrix(rng, n, n),
      w3 = randomMatrix(rng, n, n);
    const d1 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0.01));
    const d3 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0.01));
    const j = chainJacobian([w1, w2, w3], [d1, null, d3], n);
    const ref = scaleRows(d3, naiveProduct(w3, naiveProduct(w2, scaleRows(d1, w1, n), n, n, n), n, n, n), n);
    for (let i = 0; i < n * n; i++) assert.ok(Math.abs(j[i] - ref[i]) <= 1e-12, `entry ${i}`);
  });

  it('scales rows for a diagonal layer, as the product with it gives', () => {
    const n = 20;
    const rng = createRng(41);
    const w1 = randomMatrix(rng, n, n);
    const w2 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) w2[i * n + i] = rng.uniform() - 0.5;
    const d1 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0.2));
    const j = chainJacobian([w1, w2], [d1, null], n);
    const ref = naiveProduct(w2, scaleRows(d1, w1, n), n, n, n);
    for (let i = 0; i < n * n; i++) assert.ok(Math.abs(j[i] - ref[i]) <= 1e-15, `entry ${i}`);
  });

  it('matches the example in its documentation and checks its arguments', () => {
    assert.deepEqual(
      Array.from(
        chainJacobian(
          [
            [1, 0, 0, 1],
            [0, 1, 1, 0],
          ],
          [[1, 0.01], null],
          2,
        ),
      ),
      [0, 0.01, 1, 0],
    );
    assert.throws(() => chainJacobian([], [], 2), /weights is empty/);
    assert.throws(() => chainJacobian([[1]], [], 1), /slopes has 0 entries but weights has 1/);
    assert.throws(() => chainJacobian([[1, 0, 0, 1]], [[1]], 2), /slopes\[0\] must hold 2×1 = 2 numbers, got 1/);
  });
});

describe('spectral measures', () => {
  it('stableRank and conditionNumber follow their definitions', () => {
    assert.equal(stableRank(5, 5), 1);
    assert.ok(Math.abs(stableRank(Math.SQRT2, 1) - 2) <= 4 * EPS);
    assert.equal(stableRank(0, 0), 0);
    assert.equal(conditionNumber([4, 2, 0.5]), 8);
    assert.equal(conditionNumber([1, 0]), Number.POSITIVE_INFINITY);
    assert.throws(() => conditionNumber([1, 2]), /must be non-negative and descending, got first 1 and last 2/);
    assert.throws(() => stableRank(-1, 1), RangeError);
  });

  it('spectralSummary agrees with numpy on a PyTorch-like layer', () => {
    const f = loadFixture('random784');
    const s = spectralSummary(f.matrix, f.n, { name: 'layer 0' });
    assert.equal(s.detSign, f.slogdet.sign);
    assert.ok(Math.abs(s.logAbsDet - f.slogdet.logAbsDet) <= 4 * f.cond * EPS);
    assert.ok(Math.abs(s.cond - f.cond) <= 1e-10 * f.cond);
    assert.equal(s.sigmaMax, s.singularValues[0]);
    assert.equal(s.sigmaMin, s.singularValues[f.n - 1]);
    let sumSquares = 0;
    for (const x of s.singularValues) sumSquares += x * x;
    assert.ok(Math.abs(s.frobenius ** 2 - sumSquares) <= 1e-12 * sumSquares);
    assert.ok(Math.abs(s.stableRank - sumSquares / s.sigmaMax ** 2) <= 1e-12 * s.stableRank);
    assert.equal(s.diagnosis.status, 'invertible');
    assert.equal(s.factors.name, 'layer 0');
  });

  it('jacobiSvd decomposes a small matrix', () => {
    const rng = createRng(50);
    const p = 6;
    const m = randomMatrix(rng, p, p);
    const { sigma, u, v } = jacobiSvd(m, p);
    const sorted = Array.from(sigma).sort((a, b) => b - a);
    const ref = singularValues(m, p);
    for (let i = 0; i < p; i++) assert.ok(Math.abs(sorted[i] - ref[i]) <= 16 * EPS * ref[0]);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += u[i * p + k] * sigma[k] * v[j * p + k];
        assert.ok(Math.abs(s - m[i * p + j]) <= 16 * EPS);
      }
    }
  });
});

describe('withScratch', () => {
  it('releases a frame on return so nested frames reuse memory', () => {
    const [outer, inner, again] = withScratch((s) => {
      const a = s.f64(10);
      const b = withScratch((t) => t.f64(10));
      const c = withScratch((t) => t.f64(10));
      return [a, b, c];
    });
    assert.ok(inner > outer);
    assert.equal(again, inner);
    assert.equal(
      withScratch((s) => s.f64(10)),
      outer,
    );
  });
});

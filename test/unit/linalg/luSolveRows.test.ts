import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { luSolveRows } from '../../../src/core/linalg/luSolveRows';
import { luSolveRowsTransposed } from '../../../src/core/linalg/luSolveRowsTransposed';
import { matTVec } from '../../../src/core/linalg/matTVec';
import { matVec } from '../../../src/core/linalg/matVec';
import { createRng } from '../../../src/core/random/rng';
import { EPS, fixtureNames, loadFixture, normwiseError, randomMatrix } from './linalgFixtures';

/** Normwise backward error of each row: ‖y − W·x‖∞ / (‖W‖∞·‖x‖∞ + ‖y‖∞), the largest over rows. */
function backwardError(
  w: Float64Array,
  n: number,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  count: number,
  transposed = false,
): number {
  let normW = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(transposed ? w[j * n + i] : w[i * n + j]);
    normW = Math.max(normW, s);
  }
  let worst = 0;
  for (let r = 0; r < count; r++) {
    const xr = Array.from({ length: n }, (_, j) => x[r * n + j]);
    const wx = transposed ? matTVec(w, xr, n, n) : matVec(w, xr, n, n);
    let res = 0,
      nx = 0,
      ny = 0;
    for (let i = 0; i < n; i++) {
      res = Math.max(res, Math.abs(y[r * n + i] - wx[i]));
      nx = Math.max(nx, Math.abs(xr[i]));
      ny = Math.max(ny, Math.abs(y[r * n + i]));
    }
    worst = Math.max(worst, res / (normW * nx + ny));
  }
  return worst;
}

describe('luSolveRows', () => {
  for (const name of fixtureNames()) {
    it(`${name}: solves W·xᵢ = yᵢ backward stably and as accurately as numpy`, () => {
      const f = loadFixture(name);
      const { n, solve } = f;
      const x = luSolveRows(luFactor(f.matrix, n), solve.rhs, solve.count);
      // Backward error: measured at most 0.3·ε, for every conditioning.
      assert.ok(backwardError(f.matrix, n, x, solve.rhs, solve.count) <= n * EPS);
      // Forward error against the exact xᵢ: about κ·ε (measured ≤ 0.8·κ·ε), like numpy's.
      const forward = normwiseError(x, solve.xTrue);
      assert.ok(forward <= 4 * f.cond * EPS + 8 * EPS, `forward error ${forward} for κ = ${f.cond}`);
      assert.ok(normwiseError(x, solve.xNumpy) <= 4 * f.cond * EPS + 8 * EPS);
    });
  }

  it('gives the same answer for a batch as for each row alone, across the 1024-row chunks', () => {
    const n = 9;
    const rng = createRng(12);
    const w = randomMatrix(rng, n, n);
    const f = luFactor(w, n);
    const count = 2500;
    const y = randomMatrix(rng, count, n);
    const x = luSolveRows(f, y, count);
    for (const r of [0, 1023, 1024, 2047, 2048, 2499]) {
      const single = luSolveRows(f, y.subarray(r * n, (r + 1) * n));
      assert.deepEqual(Array.from(x.subarray(r * n, (r + 1) * n)), Array.from(single));
    }
    assert.ok(backwardError(w, n, x, y, count) <= 4 * EPS);
  });

  it('round-trips x → W·x → x for sizes around the block size', () => {
    const rng = createRng(2);
    for (const n of [1, 2, 5, 63, 64, 65, 129, 250]) {
      const w = randomMatrix(rng, n, n);
      const count = 7;
      const xTrue = randomMatrix(rng, count, n);
      const y = new Float64Array(count * n);
      for (let r = 0; r < count; r++) y.set(matVec(w, xTrue.subarray(r * n, (r + 1) * n), n, n), r * n);
      const x = luSolveRows(luFactor(w, n), y, count);
      assert.ok(backwardError(w, n, x, y, count) <= n * EPS, `n = ${n}`);
    }
  });

  it('solves 1×1, identity and permutation systems exactly', () => {
    assert.deepEqual(Array.from(luSolveRows(luFactor([4], 1), [2, -8], 2)), [0.5, -2]);
    const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    assert.deepEqual(Array.from(luSolveRows(luFactor(identity, 3), [3, -1, 7])), [3, -1, 7]);
    // W·x = y with W the cyclic shift: (W·x)_i = x_{i+1}.
    const shift = [0, 1, 0, 0, 0, 1, 1, 0, 0];
    assert.deepEqual(Array.from(luSolveRows(luFactor(shift, 3), [3, -1, 7])), [7, 3, -1]);
  });

  it('refuses a singular matrix with the diagnosis instead of returning NaN', () => {
    const f = luFactor([1, 2, 2, 4], 2, { name: 'layer 4' });
    assert.throws(
      () => luSolveRows(f, [1, 1]),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') &&
        e.message ===
          'luSolveRows: cannot solve, matrix "layer 4" (2×2, float64) is singular: pivot u[1,1] = 0 (column 1)',
    );
  });

  it('reports a solution that overflows, with the row and the pivot at fault', () => {
    const f = luFactor([1, 0, 0, 1e-300], 2, { name: 'layer 1' });
    assert.throws(
      () => luSolveRows(f, [1, 1, 1, 1e10], 2),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') &&
        /solution for row 1 of y overflowed \(Infinity at column 1, float64\); matrix "layer 1" .* numerically singular: pivot u\[1,1\] = 1e-300/.test(
          e.message,
        ),
    );
  });

  it('rejects a right-hand side of the wrong length or with NaN', () => {
    const f = luFactor([2, 0, 0, 2], 2);
    assert.throws(
      () => luSolveRows(f, [1, 2, 3]),
      (e: unknown) => e instanceof RangeError && /y must hold 1×2 = 2 numbers, got 3/.test(e.message),
    );
    assert.throws(() => luSolveRows(f, [1, 2, 3], 2), /y must hold 2×2 = 4 numbers, got 3/);
    assert.throws(() => luSolveRows(f, [1, Number.NaN]), /y has a non-finite entry NaN at row 0, column 1/);
  });
});

describe('luSolveRowsTransposed', () => {
  it('solves xᵢ·W = yᵢ (Wᵀ·xᵢ = yᵢ) backward stably for sizes around the block size', () => {
    const rng = createRng(6);
    for (const n of [1, 3, 64, 65, 200]) {
      const w = randomMatrix(rng, n, n);
      const count = 4;
      const y = randomMatrix(rng, count, n);
      const x = luSolveRowsTransposed(luFactor(w, n), y, count);
      assert.ok(backwardError(w, n, x, y, count, true) <= n * EPS, `n = ${n}`);
    }
  });

  it('matches the example in its documentation', () => {
    assert.deepEqual(Array.from(luSolveRowsTransposed(luFactor([2, 0, 1, 1], 2), [3, 1])), [1, 1]);
    assert.deepEqual(Array.from(luSolveRows(luFactor([2, 0, 1, 1], 2), [2, 1, 4, 5], 2)), [1, 0, 2, 3]);
  });
});

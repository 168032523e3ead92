import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { assertInvertible } from '../../../src/core/linalg/assertInvertible';
import { logAbsDeterminant } from '../../../src/core/linalg/logAbsDeterminant';
import { luDiagnosis } from '../../../src/core/linalg/luDiagnosis';
import { luFactor } from '../../../src/core/linalg/luFactor';
import type { LuFactors } from '../../../src/core/linalg/luTypes';
import { createRng } from '../../../src/core/random/rng';
import { EPS, fixtureNames, loadFixture, randomMatrix } from './linalgFixtures';
import { referenceLu } from './luReference';

/** max |(P·W − L·U)_ij| / max |w_ij|. */
function reconstructionError(w: ArrayLike<number>, f: LuFactors): number {
  const { n, lu, pivots } = f;
  const pw = Float64Array.from(w);
  for (let j = 0; j < n; j++) {
    const p = pivots[j];
    for (let k = 0; k < n; k++) {
      const t = pw[j * n + k];
      pw[j * n + k] = pw[p * n + k];
      pw[p * n + k] = t;
    }
  }
  let err = 0;
  let big = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let q = 0; q <= Math.min(i, k); q++) s += (q === i ? 1 : lu[i * n + q]) * lu[q * n + k];
      err = Math.max(err, Math.abs(s - pw[i * n + k]));
      big = Math.max(big, Math.abs(w[i * n + k]));
    }
  }
  return err / big;
}

describe('luFactor', () => {
  it('reproduces P·W = L·U to rounding level, with multipliers |l_ij| ≤ 1, for blocked sizes', () => {
    const rng = createRng(21);
    for (const n of [1, 2, 3, 63, 64, 65, 130, 200]) {
      const w = randomMatrix(rng, n, n);
      const f = luFactor(w, n);
      assert.ok(reconstructionError(w, f) <= 4 * n * EPS, `n = ${n}: ${reconstructionError(w, f)}`);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(f.lu[i * n + j]) <= 1);
      for (let j = 0; j < n; j++) assert.ok(f.pivots[j] >= j && f.pivots[j] < n);
    }
  });

  it('does exactly the operations of an unblocked LU on one panel', () => {
    const n = 48;
    const w = randomMatrix(createRng(4), n, n);
    const f = luFactor(w, n);
    const ref = referenceLu(w, n);
    assert.deepEqual(Array.from(f.pivots), Array.from(ref.pivots));
    assert.deepEqual(Array.from(f.lu), Array.from(ref.lu));
  });

  for (const name of fixtureNames()) {
    it(`${name}: log|det| and sign match numpy's slogdet to within a few κ·ε`, () => {
      const fx = loadFixture(name);
      const { logAbsDet, sign } = logAbsDeterminant(luFactor(fx.matrix, fx.n));
      assert.equal(sign, fx.slogdet.sign);
      // d log|det W| = tr(W⁻¹·dW): perturbations of size ε‖W‖ move it by up to about n·κ·ε;
      // measured at most 1.5·κ·ε (random784), 0.05·κ·ε (nearly-singular).
      const bound = 4 * fx.cond * EPS + 4 * EPS * Math.abs(fx.slogdet.logAbsDet);
      assert.ok(Math.abs(logAbsDet - fx.slogdet.logAbsDet) <= bound, `${logAbsDet} vs ${fx.slogdet.logAbsDet}`);
    });
  }

  it('factors the identity, a diagonal and a permutation matrix exactly', () => {
    const n = 5;
    const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    const fi = luFactor(identity, n);
    assert.deepEqual(Array.from(fi.lu), Array.from(identity));
    assert.deepEqual(Array.from(fi.pivots), [0, 1, 2, 3, 4]);
    assert.deepEqual(logAbsDeterminant(fi), { logAbsDet: 0, sign: 1 });

    const d = [2, -0.5, 4, -1, 0.25];
    const diagonal = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? d[i / (n + 1)] : 0));
    const fd = luFactor(diagonal, n);
    // (The zero multipliers below a negative pivot are −0: compare by value.)
    assert.deepEqual(
      Array.from(fd.lu, (v) => v + 0),
      Array.from(diagonal),
    );
    assert.deepEqual(logAbsDeterminant(fd), { logAbsDet: 0, sign: 1 }); // |det| = 2·0.5·4·1·0.25 = 1, two negatives

    // The cycle 0→1→2→3→4→0 is an even permutation of five elements: det = +1.
    const cycle = new Float64Array(n * n);
    for (let i = 0; i < n; i++) cycle[i * n + ((i + 1) % n)] = 1;
    const fc = luFactor(cycle, n);
    assert.deepEqual(logAbsDeterminant(fc), { logAbsDet: 0, sign: 1 });
    const swap = Float64Array.from([0, 1, 1, 0]);
    assert.deepEqual(logAbsDeterminant(luFactor(swap, 2)), { logAbsDet: 0, sign: -1 });
  });

  it('handles 1×1 and 2×2 matrices', () => {
    const one = luFactor([-3], 1);
    assert.deepEqual([one.lu[0], one.pivots[0], one.minAbsPivot, one.minPivotColumn], [-3, 0, 3, 0]);
    assert.deepEqual(logAbsDeterminant(one), { logAbsDet: Math.log(3), sign: -1 });
    const two = luFactor([0, 2, 3, 4], 2);
    assert.deepEqual(Array.from(two.lu), [3, 4, 0, 2]);
    assert.deepEqual(logAbsDeterminant(two), { logAbsDet: Math.log(6), sign: -1 });
  });

  it('diagnoses a singular matrix by column and pivot instead of producing NaN', () => {
    // Column 2 = column 0 + column 1: rounding leaves a pivot of order ε instead of 0.
    const w = [1, 2, 3, 4, 5, 9, 7, 8, 15];
    const f = luFactor(w, 3, { name: 'layer 3' });
    const d = luDiagnosis(f);
    assert.notEqual(d.status, 'invertible');
    assert.equal(d.column, 2);
    assert.ok(d.pivot <= 4 * EPS * 15);
    assert.equal(logAbsDeterminant(luFactor([1, 2, 2, 4], 2)).sign, 0);
    assert.equal(logAbsDeterminant(luFactor([1, 2, 2, 4], 2)).logAbsDet, Number.NEGATIVE_INFINITY);
    const exact = luDiagnosis(luFactor([1, 2, 2, 4], 2, { name: 'layer 3' }));
    assert.equal(exact.message, 'matrix "layer 3" (2×2, float64) is singular: pivot u[1,1] = 0 (column 1)');
    assert.throws(
      () => assertInvertible(luFactor([1, 2, 2, 4], 2, { name: 'layer 3' }), 'inverse'),
      (e: unknown) => isInvertscopeError(e, 'NUMERIC') && e.message.startsWith('inverse: matrix "layer 3"'),
    );
  });

  it('calls a pivot below n·u·max|w| numerically singular, and names it', () => {
    const f = luFactor([1, 0, 0, 1e-20], 2);
    const d = luDiagnosis(f);
    assert.equal(d.status, 'numerically-singular');
    assert.equal(d.column, 1);
    assert.equal(d.pivot, 1e-20);
    assert.equal(d.threshold, 2 * 2 ** -53);
    assert.match(
      d.message,
      /numerically singular: pivot u\[1,1\] = 1e-20 \(column 1\) is at or below n·u·max\|w\| = 2\.22e-16/,
    );
    assert.equal(luDiagnosis(luFactor([2, 1, 1, 3], 2)).status, 'invertible');
    assert.equal(assertInvertible(luFactor([2, 1, 1, 3], 2), 'inverse').n, 2);
  });

  it('refuses NaN and infinite entries with their position', () => {
    assert.throws(
      () => luFactor([1, 2, Number.NaN, 4], 2, { name: 'layer 1' }),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') &&
        e.message === 'luFactor: matrix "layer 1" has a non-finite entry NaN at row 1, column 0',
    );
    assert.throws(() => luFactor([Number.NEGATIVE_INFINITY], 1), /w has a non-finite entry -Infinity at index 0/);
  });

  it('rejects bad shapes with a RangeError naming the argument', () => {
    assert.throws(
      () => luFactor([1, 2, 3], 2),
      (e: unknown) => e instanceof RangeError && e.message === 'luFactor: w must hold 2×2 = 4 numbers, got 3',
    );
    assert.throws(() => luFactor([], 0), /luFactor: n must be a positive integer, got 0/);
  });
});

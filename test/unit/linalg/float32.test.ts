import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { logAbsDeterminant } from '../../../src/core/linalg/logAbsDeterminant';
import { luDiagnosis } from '../../../src/core/linalg/luDiagnosis';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { luFactor32 } from '../../../src/core/linalg/luFactor32';
import { luSolveRows } from '../../../src/core/linalg/luSolveRows';
import { luSolveRowsTransposed } from '../../../src/core/linalg/luSolveRowsTransposed';
import { createRng } from '../../../src/core/random/rng';
import { EPS, EPS32, loadFixture, normwiseError, randomMatrix } from './linalgFixtures';
import { referenceLu } from './luReference';

describe('float32 LU and solves', () => {
  it('round every operation to float32: bit-identical to a Math.fround LU on one panel', () => {
    const n = 40;
    const w = randomMatrix(createRng(9), n, n);
    const f = luFactor32(w, n);
    assert.ok(f.lu instanceof Float32Array);
    const ref = referenceLu(w, n, Math.fround);
    assert.deepEqual(Array.from(f.pivots), Array.from(ref.pivots));
    assert.deepEqual(Array.from(f.lu), Array.from(ref.lu));
    // And they differ from the float64 factors.
    assert.notDeepEqual(Array.from(f.lu), Array.from(luFactor(w, n).lu));
  });

  it('returns float32 solutions whose error grows with κ, while float64 stays near κ·ε', () => {
    const errors: Record<string, { f32: number; f64: number; cond: number }> = {};
    for (const name of ['cond1e2', 'cond1e4', 'random784', 'cond1e8']) {
      const fx = loadFixture(name);
      const x32 = luSolveRows(luFactor32(fx.matrix, fx.n), fx.solve.rhs, fx.solve.count);
      assert.ok(x32 instanceof Float32Array);
      const x64 = luSolveRows(luFactor(fx.matrix, fx.n), fx.solve.rhs, fx.solve.count);
      errors[name] = {
        f32: normwiseError(x32, fx.solve.xTrue),
        f64: normwiseError(x64, fx.solve.xTrue),
        cond: fx.cond,
      };
    }
    for (const [name, { f32, f64, cond }] of Object.entries(errors)) {
      // Measured: float64 at most 0.9·κ·ε; float32 0.2–0.7·κ·ε₃₂ until κ·ε₃₂ reaches 1.
      assert.ok(f64 <= 4 * cond * EPS, `${name}: float64 error ${f64}`);
      if (cond * EPS32 < 0.1) assert.ok(f32 <= 4 * cond * EPS32, `${name}: float32 error ${f32}`);
      assert.ok(f32 >= 1e6 * f64, `${name}: float32 ${f32} vs float64 ${f64}`);
    }
    assert.ok(errors.cond1e4.f32 > 10 * errors.cond1e2.f32);
    // κ = 1e8 is beyond float32 (κ·ε₃₂ ≈ 12): no correct digit left, float64 keeps about eight.
    assert.ok(errors.cond1e8.f32 > 0.1, `${errors.cond1e8.f32}`);
    assert.ok(errors.cond1e8.f64 < 1e-7);
  });

  it('calls κ = 1e8 numerically singular in float32 but not in float64', () => {
    const fx = loadFixture('cond1e8');
    const d32 = luDiagnosis(luFactor32(fx.matrix, fx.n, { name: 'layer 2' }));
    assert.equal(d32.status, 'numerically-singular');
    assert.match(
      d32.message,
      /^matrix "layer 2" \(300×300, float32\) is numerically singular: pivot u\[\d+,\d+\] = [\d.]+e-7 \(column \d+\)/,
    );
    assert.equal(luDiagnosis(luFactor(fx.matrix, fx.n)).status, 'invertible');
  });

  it('gives log|det| from float32 pivots within float32 accuracy of float64', () => {
    const fx = loadFixture('random784');
    const a = logAbsDeterminant(luFactor32(fx.matrix, fx.n));
    const b = logAbsDeterminant(luFactor(fx.matrix, fx.n));
    assert.equal(a.sign, b.sign);
    assert.ok(Math.abs(a.logAbsDet - b.logAbsDet) <= 4 * fx.cond * EPS32, `${a.logAbsDet} vs ${b.logAbsDet}`);
  });

  it('rounds the input to float32 first, as a float32 layer stores it', () => {
    // 1 + 2⁻³⁰ is 1 in float32: the matrix becomes exactly singular.
    const f = luFactor32([1, 1, 1, 1 + 2 ** -30], 2, { name: 'layer 1' });
    assert.equal(f.minAbsPivot, 0);
    assert.equal(luDiagnosis(f).status, 'singular');
    assert.equal(luDiagnosis(luFactor([1, 1, 1, 1 + 2 ** -30], 2)).status, 'invertible');
    assert.throws(
      () => luSolveRows(f, [1, 2]),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') && /\(2×2, float32\) is singular: pivot u\[1,1\] = 0/.test(e.message),
    );
  });

  it('refuses an entry that overflows float32, and a float32 solution that overflows', () => {
    assert.throws(
      () => luFactor32([1e39, 0, 0, 1], 2),
      /w rounded to float32 has a non-finite entry Infinity at row 0, column 0/,
    );
    const f = luFactor32([1, 0, 0, 1e-30], 2);
    assert.throws(
      () => luSolveRows(f, [0, 1e10]),
      /solution for row 0 of y overflowed \(Infinity at column 1, float32\)/,
    );
  });

  it('solves the transposed system in float32 too', () => {
    const n = 70;
    const rng = createRng(10);
    const w = randomMatrix(rng, n, n);
    const y = randomMatrix(rng, 2, n);
    const x32 = luSolveRowsTransposed(luFactor32(w, n), y, 2);
    const x64 = luSolveRowsTransposed(luFactor(w, n), y, 2);
    assert.ok(x32 instanceof Float32Array);
    const err = normwiseError(x32, x64);
    assert.ok(err > 100 * EPS && err < 1e-3, `${err}`);
  });
});

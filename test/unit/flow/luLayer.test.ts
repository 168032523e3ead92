import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { isInvertscopeError } from '../../../src/core/errors';
import { assembleLu } from '../../../src/core/train/flow/assembleLu';
import { luApply } from '../../../src/core/train/flow/luApply';
import { luFromDense } from '../../../src/core/train/flow/luFromDense';
import { layerConditions } from '../../../src/core/train/flow/layerConditions';
import { identityLuLayer, validateLuLayer } from '../../../src/core/train/flow/luLayer';
import { luLogAbsDet } from '../../../src/core/train/flow/luLogAbsDet';
import { luSolve } from '../../../src/core/train/flow/luSolve';
import { WIDTH, logAbsDetByElimination, randomLuLayer } from './flowFixtures';

const n = WIDTH;

describe('LU layers', () => {
  it('log|det W| = Σ s_i equals Gaussian elimination of the assembled W', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const layer = randomLuLayer(n, createRng(seed));
      const want = logAbsDetByElimination(assembleLu(layer), n);
      assert.ok(Math.abs(luLogAbsDet(layer) - want) < 1e-9, `seed ${seed}: ${luLogAbsDet(layer)} vs ${want}`);
    }
  });

  it('assembles W = P·L·U with row i of W equal to row perm[i] of L·U', () => {
    const layer = randomLuLayer(n, createRng(7));
    const w = assembleLu(layer);
    const L = (i: number, j: number) => (i === j ? 1 : j < i ? layer.packed[i * n + j] : 0);
    const U = (i: number, j: number) =>
      i === j ? layer.sign[i] * Math.exp(layer.packed[i * n + i]) : j > i ? layer.packed[i * n + j] : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += L(layer.perm[i], k) * U(k, j);
        assert.ok(Math.abs(w[i * n + j] - s) < 1e-12);
      }
    }
  });

  it('applies factor by factor exactly what the assembled W does', () => {
    const rng = createRng(8);
    const layer = randomLuLayer(n, rng);
    const bias = Float64Array.from({ length: n }, () => rng.normal());
    const x = Float64Array.from({ length: 3 * n }, () => rng.normal());
    const got = luApply(layer, bias, x, 3);
    const w = assembleLu(layer);
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < n; i++) {
        let s = bias[i];
        for (let j = 0; j < n; j++) s += w[i * n + j] * x[r * n + j];
        assert.ok(Math.abs(got[r * n + i] - s) < 1e-12);
      }
    }
  });

  it('inverts by two triangular solves: luSolve(luApply(x)) = x', () => {
    const rng = createRng(9);
    const layer = randomLuLayer(n, rng);
    const bias = Float64Array.from({ length: n }, () => rng.normal());
    const x = Float64Array.from({ length: 4 * n }, () => rng.normal());
    const back = luSolve(layer, bias, luApply(layer, bias, x, 4), 4);
    back.forEach((v, k) => assert.ok(Math.abs(v - x[k]) < 1e-12, `entry ${k}: ${v} vs ${x[k]}`));
  });

  it('factorizes a dense matrix so that assembling the factors gives it back (float32 factors)', () => {
    const rng = createRng(10);
    const w = Float64Array.from({ length: n * n }, () => rng.normal());
    const layer = luFromDense(w, n);
    validateLuLayer(layer, 'factorized');
    const back = assembleLu(layer);
    let worst = 0;
    back.forEach((v, k) => {
      worst = Math.max(worst, Math.abs(v - w[k]));
    });
    assert.ok(worst < 1e-5, `max error ${worst}`);
    assert.ok(Math.abs(luLogAbsDet(layer) - logAbsDetByElimination(w, n)) < 1e-5);
  });

  it('refuses a singular matrix with a NUMERIC error naming the pivot', () => {
    const w = new Float64Array(n * n);
    for (let i = 0; i < n - 1; i++) w[i * n + i] = 1;
    assert.throws(
      () => luFromDense(w, n, 'layer 2'),
      (e: unknown) => isInvertscopeError(e, 'NUMERIC') && /layer 2 .* singular/.test((e as Error).message),
    );
  });

  it('reports κ₂ of the assembled W: the ratio of the extreme singular values', () => {
    const diagonal = identityLuLayer(3);
    diagonal.packed[0] = Math.log(0.5);
    diagonal.packed[8] = Math.log(4);
    const [kappa, identity] = layerConditions([diagonal, identityLuLayer(3)]);
    // The factors are float32: κ is exp(s_max − s_min) of the stored values, 8 to float32 precision.
    assert.ok(
      Math.abs(kappa - Math.exp(diagonal.packed[8] - diagonal.packed[0])) < 1e-12 && Math.abs(kappa - 8) < 1e-6,
      `κ = ${kappa}`,
    );
    assert.ok(Math.abs(identity - 1) < 1e-12);
  });

  it('validates shapes, signs and the permutation', () => {
    const good = identityLuLayer(3);
    assert.doesNotThrow(() => validateLuLayer(good, 'id'));
    assert.throws(
      () => validateLuLayer({ ...good, perm: Int32Array.from([0, 0, 2]) }, 'bad'),
      /perm is not a permutation/,
    );
    assert.throws(
      () => validateLuLayer({ ...good, sign: Float32Array.from([1, 0, 1]) }, 'bad'),
      /sign\[1\] must be 1 or -1/,
    );
    assert.throws(
      () => validateLuLayer({ ...good, packed: Float32Array.from([0, 0, 0, 0, NaN, 0, 0, 0, 0]) }, 'bad'),
      /packed\[4\] is NaN/,
    );
  });
});

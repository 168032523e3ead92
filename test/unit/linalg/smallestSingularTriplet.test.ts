import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frobeniusNorm } from '../../../src/core/linalg/frobeniusNorm';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { matTVec } from '../../../src/core/linalg/matTVec';
import { matVec } from '../../../src/core/linalg/matVec';
import { smallestSingularTriplet } from '../../../src/core/linalg/smallestSingularTriplet';
import { vectorNorm } from '../../../src/core/linalg/vectorNorm';
import { EPS, loadFixture } from './linalgFixtures';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('smallestSingularTriplet', () => {
  for (const name of ['random784', 'cond1e2', 'cond1e4', 'cond1e8', 'nearly-singular', 'graded']) {
    it(`${name}: converges to a triplet with ‖W·v‖ ≈ σmin (numpy's) and a rounding-level residual`, () => {
      const f = loadFixture(name);
      const { n } = f;
      const t = smallestSingularTriplet(f.matrix, n, { factors: luFactor(f.matrix, n) });
      assert.ok(t.converged, `residual ${t.residual}`);
      assert.ok(t.residual <= 8 * n * 2 ** -53 * frobeniusNorm(f.matrix));
      assert.ok(Math.abs(vectorNorm(t.v) - 1) <= 1e-14 && Math.abs(vectorNorm(t.u) - 1) <= 1e-14);
      const sigmaMin = f.sigma[n - 1];
      const sigmaMax = f.sigma[0];
      // σ and ‖W·v‖ are determined to about ε·σmax in absolute terms (measured ≤ 2·ε·σmax).
      const wv = matVec(f.matrix, t.v, n, n);
      assert.ok(
        Math.abs(vectorNorm(wv) - sigmaMin) <= 16 * EPS * sigmaMax + t.residual,
        `‖Wv‖ = ${vectorNorm(wv)} vs ${sigmaMin}`,
      );
      assert.ok(Math.abs(t.sigma - sigmaMin) <= 16 * EPS * sigmaMax + t.residual);
      // W·v = σ·u and Wᵀ·u = σ·v, to within the residual.
      const wtu = matTVec(f.matrix, t.u, n, n);
      let r1 = 0,
        r2 = 0;
      for (let i = 0; i < n; i++) {
        r1 = Math.hypot(r1, wv[i] - t.sigma * t.u[i]);
        r2 = Math.hypot(r2, wtu[i] - t.sigma * t.v[i]);
      }
      assert.ok(Math.max(r1, r2) <= 2 * t.residual + 16 * EPS * sigmaMax);
    });
  }

  it('converges in a handful of iterations on a random PyTorch-like layer', () => {
    const f = loadFixture('random784');
    const t = smallestSingularTriplet(f.matrix, f.n);
    assert.ok(t.converged && t.iterations <= 10, `${t.iterations} iterations`);
  });

  it('finds the known direction of a diagonal matrix', () => {
    const n = 7;
    const d = [3, -2, 5, 0.25, 4, 1, 6];
    const w = new Float64Array(n * n);
    d.forEach((x, i) => (w[i * n + i] = x));
    const t = smallestSingularTriplet(w, n);
    assert.ok(Math.abs(t.sigma - 0.25) <= 4 * EPS);
    assert.ok(Math.abs(Math.abs(t.v[3]) - 1) <= 4 * EPS);
    assert.ok(Math.abs(Math.abs(t.u[3]) - 1) <= 4 * EPS);
    // u and v point the same way for a positive diagonal entry.
    assert.ok(t.u[3] * t.v[3] > 0);
  });

  it('handles 1×1 and 2×2 matrices, where the block spans everything', () => {
    const one = smallestSingularTriplet([-2], 1);
    assert.equal(one.sigma, 2);
    assert.equal(Math.abs(one.v[0]), 1);
    assert.equal(one.u[0] * one.v[0], -1);
    const two = smallestSingularTriplet([2, 0, 0, 0.5], 2);
    assert.ok(Math.abs(two.sigma - 0.5) <= 2 * EPS);
    assert.ok(Math.abs(Math.abs(two.v[1]) - 1) <= 2 * EPS && Math.abs(two.v[0]) <= 2 * EPS);
  });

  it('returns the null vector of an exactly singular matrix', () => {
    // Row-reduced, U has a zero at (2, 2): column 2 = column 0 + column 1 exactly in binary.
    const w = [1, 2, 3, 2, 4, 6, 0.5, 0.25, 0.75];
    const t = smallestSingularTriplet(w, 3);
    assert.ok(t.sigma <= 4 * EPS * 8);
    assert.ok(vectorNorm(matVec(w, t.v, 3, 3)) <= 4 * EPS * 8);
    assert.ok(Math.abs(Math.abs(dot(t.v, [1, 1, -1])) / Math.sqrt(3) - 1) <= 4 * EPS);
    const zero = smallestSingularTriplet(new Float64Array(4), 2);
    assert.equal(zero.sigma, 0);
  });

  it('rejects bad options and factors of another size', () => {
    assert.throws(
      () => smallestSingularTriplet([1, 0, 0, 1], 2, { maxIterations: 0 }),
      /maxIterations must be a positive integer, got 0/,
    );
    assert.throws(
      () => smallestSingularTriplet([1, 0, 0, 1], 2, { tolerance: -1 }),
      /tolerance must be positive, got -1/,
    );
    assert.throws(
      () => smallestSingularTriplet([1, 0, 0, 1], 2, { factors: luFactor([1], 1) }),
      /factors are for n = 1 but w is 2×2/,
    );
  });
});

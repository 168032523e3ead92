import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bidiagonalSingularValues } from '../../../src/core/linalg/bidiagonalSingularValues';
import { createRng } from '../../../src/core/random/rng';
import { EPS } from './linalgFixtures';

describe('bidiagonalSingularValues', () => {
  it('matches the closed form 2cos(kπ/(2n+1)) of the all-ones bidiagonal', () => {
    const n = 50;
    const s = bidiagonalSingularValues(new Float64Array(n).fill(1), new Float64Array(n - 1).fill(1));
    for (let k = 1; k <= n; k++) {
      // As a sine of a small angle, which (unlike the cosine near π/2) is accurate to an ulp or two.
      const exact = 2 * Math.sin(((2 * n + 1 - 2 * k) * Math.PI) / (2 * (2 * n + 1)));
      assert.ok(Math.abs(s[k - 1] - exact) <= 8 * EPS * exact, `σ${k}: ${s[k - 1]} vs ${exact}`);
    }
  });

  it('resolves a tiny singular value to full relative precision', () => {
    // [[1, 1], [0, 1e-20]]: σ₁² + σ₂² = 2 + 1e-40 and σ₁·σ₂ = 1e-20.
    const [s1, s2] = bidiagonalSingularValues([1, 1e-20], [1]);
    assert.ok(Math.abs(s1 - Math.SQRT2) <= EPS * Math.SQRT2);
    assert.ok(Math.abs(s2 - 1e-20 / Math.SQRT2) <= 2 * EPS * s2, `${s2}`);
  });

  it('keeps the product of the singular values equal to |det B| on a graded matrix', () => {
    const rng = createRng(3);
    const n = 120;
    const d = Float64Array.from({ length: n }, (_, i) => (0.5 + rng.uniform()) * 10 ** (-i / 8));
    const e = Float64Array.from({ length: n - 1 }, (_, i) => (rng.uniform() - 0.5) * 10 ** (-i / 8));
    const s = bidiagonalSingularValues(d, e);
    // Π σᵢ / Π |dᵢ| as a running product of ratios near 1, so nothing underflows.
    const magnitudes = Array.from(d, Math.abs).sort((a, b) => b - a);
    let ratio = 1;
    for (let i = 0; i < n; i++) ratio *= s[i] / magnitudes[i];
    // High relative accuracy of every σᵢ: the ratio is 1 to within n times a few ulps.
    assert.ok(Math.abs(ratio - 1) <= 4 * n * EPS, `${ratio - 1}`);
    assert.ok(s[n - 1] < 1e-14 * s[0]);
  });

  it('gives an exact zero for a zero on the diagonal and the rest of a split matrix exactly', () => {
    const s = bidiagonalSingularValues([1, 0, 1], [1, 1]);
    assert.equal(s[2], 0);
    assert.ok(Math.abs(s[0] * s[0] + s[1] * s[1] - 4) <= 8 * EPS);
    assert.deepEqual(Array.from(bidiagonalSingularValues([3, -4, 0.5], [0, 0])), [4, 3, 0.5]);
  });

  it('handles n = 1, repeated values and a zero matrix', () => {
    assert.deepEqual(Array.from(bidiagonalSingularValues([-2], [])), [2]);
    assert.deepEqual(
      Array.from(bidiagonalSingularValues([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], new Float64Array(9))),
      Array(10).fill(1),
    );
    assert.deepEqual(Array.from(bidiagonalSingularValues([0, 0, 0], [0, 0])), [0, 0, 0]);
    assert.deepEqual(Array.from(bidiagonalSingularValues([], [])), []);
  });

  it('is not thrown off by entries whose squares overflow or underflow', () => {
    // [[3, 4], [0, 1]]·c: BᵀB/c² has eigenvalues 13 ± √160, and σ₁·σ₂ = 3c².
    for (const c of [1e150, 1e-150]) {
      const [s1, s2] = bidiagonalSingularValues([3 * c, c], [4 * c]);
      const e1 = Math.sqrt(13 + Math.sqrt(160)) * c;
      const e2 = (3 / Math.sqrt(13 + Math.sqrt(160))) * c;
      assert.ok(Math.abs(s1 - e1) <= 4 * EPS * e1, `c = ${c}: ${s1} vs ${e1}`);
      assert.ok(Math.abs(s2 - e2) <= 4 * EPS * e2, `c = ${c}: ${s2} vs ${e2}`);
    }
  });

  it('rejects a superdiagonal of the wrong length and non-finite entries', () => {
    assert.throws(() => bidiagonalSingularValues([1, 2], [1, 2]), /e must hold 1×1 = 1 numbers, got 2/);
    assert.throws(() => bidiagonalSingularValues([1, Number.NaN], [0]), /d has a non-finite entry NaN at index 1/);
  });
});

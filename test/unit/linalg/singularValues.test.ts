import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { linalgBatch } from '../../../src/core/linalg/linalgBatch';
import { singularValues } from '../../../src/core/linalg/singularValues';
import { createRng } from '../../../src/core/random/rng';
import { EPS, fixtureNames, loadFixture, randomMatrix } from './linalgFixtures';

// Reference values: numpy's np.linalg.svd (LAPACK dgesdd) from
// scripts/make-linalg-fixtures.py. Both codes are backward stable, so they can
// only agree to about ε·σmax in absolute terms; relative agreement for a σᵢ is
// that divided by σᵢ/σmax, unless the matrix's entries determine its singular
// values to high relative accuracy (the bidiagonal and graded fixtures).

/** Largest relative difference of each fixture when these tests were written, and the bound asserted. */
const RELATIVE: Record<string, { measured: number; bound: number }> = {
  random784: { measured: 2.0e-13, bound: 1e-12 },
  cond1e2: { measured: 3.7e-15, bound: 3e-14 },
  cond1e4: { measured: 1.2e-13, bound: 1e-12 },
  cond1e8: { measured: 8.0e-10, bound: 1e-8 },
  // σmin/σmax = 4e-14: ε·σmax/σmin = 5.5e-3 is what any backward stable method can promise.
  'nearly-singular': { measured: 6.5e-5, bound: 5e-3 },
  graded: { measured: 1.8e-13, bound: 1e-12 },
  bidiagonal: { measured: 6.3e-16, bound: 4e-15 },
};

function compare(name: string): { relative: number; absoluteInEps: number; sigma: Float64Array } {
  const f = loadFixture(name);
  const sigma = singularValues(f.matrix, f.n, { name });
  let relative = 0;
  let absolute = 0;
  for (let i = 0; i < f.n; i++) {
    const d = Math.abs(sigma[i] - f.sigma[i]);
    relative = Math.max(relative, d / f.sigma[i]);
    absolute = Math.max(absolute, d);
  }
  return { relative, absoluteInEps: absolute / (EPS * f.sigma[0]), sigma };
}

describe('singularValues against numpy', () => {
  for (const name of fixtureNames()) {
    it(`${name}: every σᵢ within 32·ε·σmax of LAPACK's, descending`, () => {
      const { absoluteInEps, sigma } = compare(name);
      // Measured at most 17.5·ε·σmax (random784, where numpy's own routes, with and
      // without singular vectors or on Wᵀ, differ from each other by up to 29); 5.5 for cond1e8.
      assert.ok(absoluteInEps <= 32, `max |Δσ| = ${absoluteInEps.toFixed(2)}·ε·σmax`);
      for (let i = 1; i < sigma.length; i++) assert.ok(sigma[i] <= sigma[i - 1], `σ${i} > σ${i - 1}`);
    });
  }

  for (const [name, { measured, bound }] of Object.entries(RELATIVE)) {
    it(`${name}: every σᵢ within relative ${bound} of LAPACK's (measured ${measured})`, () => {
      const { relative } = compare(name);
      assert.ok(relative <= bound, `max relative difference ${relative.toExponential(2)}`);
    });
  }

  it('meets relative 1e-10 for every σᵢ of the matrices with κ ≤ 1e4, with two decades to spare', () => {
    for (const name of ['random784', 'cond1e2', 'cond1e4']) {
      assert.ok(loadFixture(name).cond <= 1e4 * 1.0001);
      assert.ok(compare(name).relative <= 1e-12, name);
    }
  });

  it('at κ = 1e8 meets relative 1e-10 for σᵢ ≥ 1e-4·σmax, and ε·σmax-level absolute error below', () => {
    const f = loadFixture('cond1e8');
    const sigma = singularValues(f.matrix, f.n);
    for (let i = 0; i < f.n; i++) {
      const d = Math.abs(sigma[i] - f.sigma[i]);
      if (f.sigma[i] >= 1e-4 * f.sigma[0]) assert.ok(d <= 1e-10 * f.sigma[i], `σ${i}: ${d / f.sigma[i]}`);
      else assert.ok(d <= 8 * EPS * f.sigma[0], `σ${i}: |Δ| = ${d / (EPS * f.sigma[0])}·ε·σmax`);
    }
  });

  it('recovers the singular values U·diag(s)·Vᵀ was built from within 4·ε·σmax (LAPACK: 7.5)', () => {
    for (const name of ['cond1e2', 'cond1e4', 'cond1e8']) {
      const f = loadFixture(name);
      const design = f.designSigma as Float64Array;
      const sigma = singularValues(f.matrix, f.n);
      let worst = 0;
      for (let i = 0; i < f.n; i++) worst = Math.max(worst, Math.abs(sigma[i] - design[i]) / (EPS * design[0]));
      // Measured 1.5 (cond1e2), 1.0, 1.0; the rounding of the stored matrix alone is of this order.
      assert.ok(worst <= 4, `${name}: ${worst.toFixed(2)}·ε·σmax`);
    }
  });

  it('keeps full relative accuracy on a bidiagonal whose singular values span 31 decades', () => {
    const f = loadFixture('bidiagonal');
    assert.ok(f.sigma[f.n - 1] / f.sigma[0] < 1e-30);
    assert.ok(compare('bidiagonal').relative <= 4e-15);
  });
});

describe('singularValues on small and structured matrices', () => {
  it('gives a diagonal matrix its |diagonal| in descending order, exactly, and the kernel a matrix one entry off it', () => {
    const n = 50;
    const rng = createRng(8);
    const d = Float64Array.from({ length: n }, (_, i) =>
      i === 7 ? 0 : (rng.uniform() - 0.5) * 10 ** (4 * rng.uniform()),
    );
    const w = new Float64Array(n * n);
    d.forEach((v, i) => (w[i * n + i] = v));
    assert.deepEqual(Array.from(singularValues(w, n)), Array.from(d.map(Math.abs).sort((a, b) => b - a)));
    // One off-diagonal entry: a general matrix, whose σ the kernel computes (no longer the |diagonal|).
    w[3 * n + 4] = 1e3;
    const general = singularValues(w, n);
    const diagonalNorm = Math.hypot(...d);
    const frobenius = Math.hypot(...general);
    assert.ok(Math.abs(frobenius - Math.hypot(diagonalNorm, 1e3)) <= 1e-12 * frobenius);
  });

  it('gives |w| for a 1×1 matrix', () => {
    assert.deepEqual(Array.from(singularValues([-3.5], 1)), [3.5]);
    assert.deepEqual(Array.from(singularValues([0], 1)), [0]);
  });

  it('matches the closed form of a 2×2 matrix', () => {
    // [[3, 0], [4, 5]]: WᵀW has eigenvalues 45 and 5.
    const s = singularValues([3, 0, 4, 5], 2);
    assert.ok(Math.abs(s[0] - Math.sqrt(45)) <= 2 * EPS * s[0]);
    assert.ok(Math.abs(s[1] - Math.sqrt(5)) <= 2 * EPS * s[1]);
  });

  it('gives exactly 1 for the identity and for a permutation matrix', () => {
    const n = 9;
    const identity = new Float64Array(n * n);
    const permutation = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      identity[i * n + i] = 1;
      permutation[i * n + ((i * 4 + 3) % n)] = 1;
    }
    assert.deepEqual(Array.from(singularValues(identity, n)), Array(n).fill(1));
    assert.deepEqual(Array.from(singularValues(permutation, n)), Array(n).fill(1));
  });

  it('gives exactly the sorted magnitudes of a diagonal matrix, however small', () => {
    const d = [2, -1e-60, 7, 0.5, -3e-9, 1e80];
    const n = d.length;
    const w = new Float64Array(n * n);
    d.forEach((v, i) => (w[i * n + i] = v));
    const expected = d.map(Math.abs).sort((a, b) => b - a);
    assert.deepEqual(Array.from(singularValues(w, n)), expected);
  });

  it('gives zeros for the zero matrix and ε·σmax-small values for a rank-one matrix', () => {
    assert.deepEqual(Array.from(singularValues(new Float64Array(16), 4)), [0, 0, 0, 0]);
    const u = [1, 2, 3],
      v = [4, -5, 6];
    const w = Float64Array.from({ length: 9 }, (_, i) => u[Math.floor(i / 3)] * v[i % 3]);
    const s = singularValues(w, 3);
    const exact = Math.hypot(...u) * Math.hypot(...v);
    assert.ok(Math.abs(s[0] - exact) <= 4 * EPS * exact);
    assert.ok(s[1] <= 4 * EPS * exact && s[2] <= 4 * EPS * exact, `${s[1]}, ${s[2]}`);
  });

  it('is unchanged by transposition and scales exactly with a power of two', () => {
    const n = 37;
    const w = randomMatrix(createRng(5), n, n);
    const wt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) wt[j * n + i] = w[i * n + j];
    const s = singularValues(w, n);
    const st = singularValues(wt, n);
    const s8 = singularValues(
      w.map((x) => x * 8),
      n,
    );
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(s[i] - st[i]) <= 16 * EPS * s[0], `σ${i} of Wᵀ`);
      assert.equal(s8[i], 8 * s[i]);
    }
  });

  it('scales exactly by powers of two near the overflow and underflow limits', () => {
    const n = 20;
    const w = randomMatrix(createRng(13), n, n);
    const s = singularValues(w, n);
    for (const k of [900, -900]) {
      const sk = singularValues(
        w.map((x) => x * 2 ** k),
        n,
      );
      for (let i = 0; i < n; i++) assert.equal(sk[i], s[i] * 2 ** k, `2^${k}: σ${i}`);
    }
  });

  it('keeps Σσᵢ² = ‖W‖_F² to rounding level', () => {
    const n = 61;
    const w = randomMatrix(createRng(8), n, n);
    const s = singularValues(w, n);
    const sum = s.reduce((a, x) => a + x * x, 0);
    const frob = w.reduce((a, x) => a + x * x, 0);
    assert.ok(Math.abs(sum - frob) <= 64 * EPS * frob);
  });

  it('names a NaN or infinite entry by row and column', () => {
    const w = new Float64Array(9);
    w[5] = Number.POSITIVE_INFINITY;
    assert.throws(
      () => singularValues(w, 3, { name: 'layer 2' }),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') &&
        /matrix "layer 2" has a non-finite entry Infinity at row 1, column 2/.test(e.message),
    );
    assert.throws(() => singularValues([1, Number.NaN, 0, 1], 2), /non-finite entry NaN at row 0, column 1/);
  });

  it('rejects a shape that does not match n', () => {
    assert.throws(
      () => singularValues([1, 2, 3], 2),
      (e: unknown) => e instanceof RangeError && /w must hold 2×2 = 4 numbers, got 3/.test(e.message),
    );
    assert.throws(() => singularValues([], 0), RangeError);
    assert.throws(() => singularValues([1], 1.5), /n must be a positive integer, got 1.5/);
  });
});

describe('σmax and σmin alone (linalgBatch extremeSingularValues)', () => {
  const both = (w: ArrayLike<number>, n: number) =>
    linalgBatch([
      { kind: 'singularValues', w: Array.from(w), n },
      { kind: 'extremeSingularValues', w: Array.from(w), n },
    ]) as Float64Array[];

  it('are the bits of the first and last of all the singular values, on every fixture', () => {
    for (const name of fixtureNames()) {
      const f = loadFixture(name);
      const [all, extremes] = both(f.matrix, f.n);
      assert.deepEqual(Array.from(extremes), [all[0], all[f.n - 1]], name);
    }
  });

  it('are the same bits on random, clustered, rank-deficient, diagonal, zero and 1×1 matrices of any order', () => {
    const rng = createRng(12);
    for (const n of [1, 2, 15, 16, 17, 33, 130]) {
      const cases: Record<string, Float64Array> = {
        random: randomMatrix(rng, n, n),
        // All σ within 1e-7 of 1: every value in one narrow cluster.
        clustered: Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0) + 1e-7 * rng.normal()),
        rankDeficient: Float64Array.from({ length: n * n }, (_, i) => (i < (n * n) / 2 ? rng.normal() : 0)),
        diagonal: Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? rng.normal() : 0)),
        zero: new Float64Array(n * n),
      };
      for (const [name, w] of Object.entries(cases)) {
        const [all, extremes] = both(w, n);
        assert.deepEqual(Array.from(extremes), [all[0], all[n - 1]], `${name}, n = ${n}`);
      }
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { largestSingularValue, type RowOperator } from '../../../src/core/linalg/largestSingularValue';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { matmul } from '../../../src/core/linalg/matmul';
import { solveRowsUnchecked } from '../../../src/core/linalg/solveWithFactors';
import { singularValues } from '../../../src/core/linalg/singularValues';
import { createRng } from '../../../src/core/random/rng';
import { matrixWithSingularValues } from '../analysis/builders';
import { loadFixture } from './linalgFixtures';

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/** A as a row operator: x ↦ x·Aᵀ, y ↦ y·A. */
function denseOperator(a: Float64Array, n: number): RowOperator {
  const at = transpose(a, n);
  return {
    n,
    apply: (rows, count) => matmul(rows, at, count, n, n),
    applyTransposed: (rows, count) => matmul(rows, a, count, n, n),
  };
}

/** A⁻¹ through A's LU factors: x ↦ (A⁻¹xᵀ)ᵀ, y ↦ (A⁻ᵀyᵀ)ᵀ. */
function inverseOperator(a: Float64Array, n: number): RowOperator {
  const f = luFactor(a, n);
  return {
    n,
    apply: (rows, count) => solveRowsUnchecked(f, rows, count, false) as Float64Array,
    applyTransposed: (rows, count) => solveRowsUnchecked(f, rows, count, true) as Float64Array,
  };
}

describe('largestSingularValue', () => {
  for (const name of ['random784', 'cond1e2', 'cond1e4', 'cond1e8', 'graded']) {
    it(`${name}: σmax of W and of W⁻¹ as numpy's singular values give them`, () => {
      const f = loadFixture(name);
      const { n } = f;
      const forward = largestSingularValue(denseOperator(f.matrix, n));
      assert.ok(forward);
      // A Gaussian matrix's top two σ are 0.6% apart: its basis needs 320 directions, past the default 256.
      assert.equal(forward.formed, name === 'random784');
      assert.ok(Math.abs(forward.sigma / f.sigma[0] - 1) <= 1e-13, `σmax ${forward.sigma} against ${f.sigma[0]}`);
      const inverse = largestSingularValue(inverseOperator(f.matrix, n));
      assert.ok(inverse);
      // 1/σmin is determined by W's entries to about κ·ε relative, and numpy's σmin no better.
      const bound = Math.max(1e-13, 4 * (f.sigma[0] / f.sigma[n - 1]) * 2 ** -52);
      const relative = Math.abs(inverse.sigma * f.sigma[n - 1] - 1);
      assert.ok(relative <= bound, `1/σmax(W⁻¹) ${1 / inverse.sigma} against σmin ${f.sigma[n - 1]}: ${relative}`);
    });
  }

  it('gives σmax to rounding level when it stands far above the rest, where later blocks add nothing', () => {
    // σ₂/σ₁ = 2e-3, as in a trained network's J⁻¹: the blocks after the first lie in the basis to within 1e-5.
    const n = 120;
    const sigmas = Array.from({ length: n }, (_, i) => (i === 0 ? 500 : 1 - i / n));
    const a = Float64Array.from(matrixWithSingularValues(sigmas, createRng(4)));
    const expected = singularValues(a, n)[0];
    const r = largestSingularValue(denseOperator(a, n));
    assert.ok(r && !r.formed);
    assert.ok(Math.abs(r.sigma / expected - 1) <= 4 * 2 ** -52, `σmax ${r.sigma} against ${expected}`);
  });

  it('is exact when the start block spans an invariant subspace, as for a multiple of the identity', () => {
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 2.5;
    const r = largestSingularValue(denseOperator(a, n), { block: 8 });
    assert.ok(r && r.dimension === 8 && !r.formed);
    assert.ok(Math.abs(r.sigma - 2.5) <= 4 * 2 ** -52 * 2.5, `σ ${r.sigma}`);
  });

  it('forms the operator when the basis reaches maxDimension first, and gives its largest singular value', () => {
    const f = loadFixture('random784');
    const r = largestSingularValue(denseOperator(f.matrix, f.n), { block: 4, maxDimension: 8 });
    assert.ok(r && r.formed && r.dimension === f.n);
    assert.ok(Math.abs(r.sigma / f.sigma[0] - 1) <= 1e-13);
  });

  it('is null when the operator has no finite image', () => {
    const n = 10;
    const op: RowOperator = {
      n,
      apply: (rows) => rows.map((v, i) => (i === 3 ? Number.POSITIVE_INFINITY : v)),
      applyTransposed: (rows) => rows,
    };
    assert.equal(largestSingularValue(op), null);
  });
});

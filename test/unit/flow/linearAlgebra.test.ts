import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { isInvertscopeError } from '../../../src/core/errors';
import { cholesky } from '../../../src/core/train/flow/cholesky';
import { invertLowerTriangular } from '../../../src/core/train/flow/invertLowerTriangular';
import { optimalStretch } from '../../../src/core/train/flow/optimalStretch';
import { reflectOnto } from '../../../src/core/train/flow/reflectOnto';

function spd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
      a[i * n + j] = s;
    }
  return a;
}

describe('flow initialization linear algebra', () => {
  it('cholesky: C is lower-triangular and C·Cᵀ = A', () => {
    const n = 9;
    const a = spd(n, 1);
    const c = cholesky(a, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (j > i) assert.equal(c[i * n + j], 0);
        let s = 0;
        for (let k = 0; k < n; k++) s += c[i * n + k] * c[j * n + k];
        assert.ok(Math.abs(s - a[i * n + j]) < 1e-10 * (1 + Math.abs(a[i * n + j])));
      }
  });

  it('cholesky refuses a matrix that is not positive definite, naming the column', () => {
    assert.throws(
      () => cholesky(Float64Array.from([1, 2, 2, 1]), 2),
      (e: unknown) => isInvertscopeError(e, 'NUMERIC') && /column 1/.test((e as Error).message),
    );
  });

  it('invertLowerTriangular: C·C⁻¹ = I', () => {
    const n = 9;
    const c = cholesky(spd(n, 2), n);
    const inv = invertLowerTriangular(c, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += c[i * n + k] * inv[k * n + j];
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10);
      }
  });

  it('reflectOnto: H maps the direction of `from` onto `to` and preserves lengths', () => {
    const n = 6;
    const rng = createRng(3);
    const from = Array.from({ length: n }, () => rng.normal());
    const to = Array.from({ length: n }, () => 1);
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + i] = 1;
    reflectOnto(m, n, from, to);
    const norm = Math.hypot(...from);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j] * from[j];
      assert.ok(Math.abs(s - norm / Math.sqrt(n)) < 1e-12);
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
      }
  });

  it('optimalStretch minimizes ½(sk − t)²·Var(a) + ½s² − ln s', () => {
    const cost = (s: number) => 0.5 * (s * 0.48 - 56) ** 2 * 8.25 + 0.5 * s * s - Math.log(s);
    const s = optimalStretch(0.48, 8.25, 56);
    assert.ok(cost(s) < cost(s * 1.001) && cost(s) < cost(s * 0.999), `s = ${s}`);
    assert.ok(Math.abs(optimalStretch(0, 8.25, 56) - 1) < 1e-12, 'without class signal the stretch is 1');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';

describe('createRng', () => {
  it('repeats the same stream for the same seed', () => {
    const a = createRng(7),
      b = createRng(7);
    for (let i = 0; i < 100; i++) assert.equal(a.uniform(), b.uniform());
  });

  it('gives different streams for different seeds and fork labels', () => {
    assert.notEqual(createRng(1).uniform(), createRng(2).uniform());
    const r = createRng(1);
    assert.notEqual(r.fork('init').uniform(), r.fork('shuffle').uniform());
  });

  it('draws uniforms in [0, 1) with mean near 1/2 and normals with unit variance', () => {
    const r = createRng(3);
    let sum = 0,
      sq = 0,
      nsum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      const z = r.normal();
      nsum += z;
      sq += z * z;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.005);
    assert.ok(Math.abs(nsum / n) < 0.01);
    assert.ok(Math.abs(sq / n - 1) < 0.02);
  });

  it('rejects a non-finite seed', () => {
    assert.throws(() => createRng(Number.NaN), /seed must be a finite number/);
  });
});

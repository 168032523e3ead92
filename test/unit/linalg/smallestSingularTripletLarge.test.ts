// Its own file, so it runs in a fresh process whose WebAssembly memory holds
// only what this call allocates: a kernel writing past its scratch buffers
// then fails instead of landing in memory an earlier test left behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frobeniusNorm } from '../../../src/core/linalg/frobeniusNorm';
import { matVec } from '../../../src/core/linalg/matVec';
import { smallestSingularTriplet } from '../../../src/core/linalg/smallestSingularTriplet';
import { vectorNorm } from '../../../src/core/linalg/vectorNorm';
import { createRng } from '../../../src/core/random/rng';

describe('smallestSingularTriplet on a matrix larger than the layers', () => {
  it('stays inside its scratch memory and converges for n = 1100', () => {
    const n = 1100;
    const rng = createRng(3);
    const w = Float64Array.from({ length: n * n }, () => rng.uniform() - 0.5);
    const t = smallestSingularTriplet(w, n);
    assert.ok(t.converged, `not converged after ${t.iterations} iterations`);
    const wv = matVec(w, t.v, n, n);
    for (let i = 0; i < n; i++) wv[i] -= t.sigma * t.u[i];
    assert.ok(vectorNorm(wv) <= 1e-12 * frobeniusNorm(w), `‖W·v − σ·u‖ = ${vectorNorm(wv)}`);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { flowCheckpointArrays, flowStateFromArrays } from '../../../src/core/train/flow/flowCheckpoint';
import { classPriorFromPaper } from '../../../src/core/train/flow/flowPrior';
import { diagonalLuLayer } from '../../../src/core/train/flow/luLayer';
import { WIDTH, randomFlow, smallArchitecture } from './flowFixtures';

const arch = smallArchitecture(3, true);
const n = WIDTH;

describe('flow checkpoint arrays', () => {
  it('round-trip the LU factors, permutation, learned prior and its Adam moments', () => {
    const { layers, biases } = randomFlow(arch, 31);
    const prior = classPriorFromPaper(10, n);
    const rng = createRng(32);
    const moments = () => ({
      mean: Float32Array.from({ length: 10 * n }, () => rng.normal()),
      logStd: Float32Array.from({ length: 10 * n }, () => rng.normal()),
    });
    const state = { layers, biases, prior, priorMoments: { first: moments(), second: moments() } };
    const arrays = flowCheckpointArrays(arch, state);
    assert.deepEqual(arrays.map((a) => a.name).slice(0, 3), ['1.lu_packed', '1.lu_sign', '1.lu_perm']);
    assert.ok(arrays.every((a) => a.data.length === a.shape.reduce((p, d) => p * d, 1)));
    const byName = new Map(arrays.map((a) => [a.name, a.data]));
    const back = flowStateFromArrays(arch, 'class', (name) => byName.get(name));
    assert.deepEqual(back.layers, layers);
    assert.deepEqual(back.prior, prior);
    assert.deepEqual(back.priorMoments, state.priorMoments);
  });

  it('names a missing array and refuses a damaged permutation', () => {
    const { layers, biases } = randomFlow(arch, 33);
    const arrays = new Map(
      flowCheckpointArrays(arch, { layers, biases, prior: { kind: 'paper' } }).map((a) => [a.name, a.data]),
    );
    const perm = arrays.get('3.lu_perm');
    if (!perm) throw new Error('expected 3.lu_perm');
    arrays.delete('3.lu_sign');
    assert.throws(() => flowStateFromArrays(arch, 'paper', (name) => arrays.get(name)), /"3.lu_sign" is missing/);
    arrays.set('3.lu_sign', layers[1].sign);
    perm[0] = perm[1];
    assert.throws(() => flowStateFromArrays(arch, 'paper', (name) => arrays.get(name)), /perm is not a permutation/);
  });

  it('stores a diagonal layer as its diagonal alone and reads it back as the same layer', () => {
    const { layers, biases } = randomFlow(arch, 34);
    const diagonal = diagonalLuLayer(Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 10)));
    const mixed = [layers[0], diagonal, layers[2]];
    const arrays = flowCheckpointArrays(arch, { layers: mixed, biases, prior: { kind: 'paper' } });
    const names = arrays.map((a) => a.name);
    assert.ok(names.includes('3.lu_diag') && !names.includes('3.lu_packed'));
    assert.deepEqual(arrays.find((a) => a.name === '3.lu_diag')?.shape, [n]);
    const byName = new Map(arrays.map((a) => [a.name, a.data]));
    assert.deepEqual(flowStateFromArrays(arch, 'paper', (name) => byName.get(name)).layers, mixed);
    byName.set('3.lu_packed', new Float32Array(n * n));
    assert.throws(
      () => flowStateFromArrays(arch, 'paper', (name) => byName.get(name)),
      /layer 3 has both "3.lu_diag" and "3.lu_packed"/,
    );
  });
});

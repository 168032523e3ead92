import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { dequantizeInto } from '../../../src/core/train/flow/dequantize';
import { isDiagonalLayer } from '../../../src/core/train/flow/flowCheckpoint';
import { flowForward, flowNll } from '../../../src/core/train/flow/flowForward';
import { flowLayerTraining } from '../../../src/core/train/flow/flowLayerTraining';
import { gaussianizeFlow } from '../../../src/core/train/flow/gaussianizeFlow';
import { initializeFlow } from '../../../src/core/train/flow/initializeFlow';
import { WIDTH, pileData, smallArchitecture } from './flowFixtures';

const n = WIDTH;
const count = 1000;
const data = pileData(5, count);
// 3 pixel kink layers, the whitening, 2 kinks on the whitened values (its LeakyReLU and one layer), the identity.
const arch = smallArchitecture(6, false, 0.5);

/** The training images as the init's draw `d` dequantized them. */
function draw(seed: number, d: number) {
  return dequantizeInto(
    data.images,
    count,
    n,
    createRng(seed).fork(d === 0 ? 'flow-init' : `flow-init-${d}`),
    new Float32Array(count * n),
  );
}

describe('gaussianizing flow initialization', () => {
  const { model, report } = gaussianizeFlow(arch, data, { kinkLayers: 3, ridge: 0.003, seed: 7 });

  it('is diagonal in every layer but the whitening, which is lower-triangular, and ends in the identity', () => {
    model.layers.forEach((layer, l) => assert.equal(isDiagonalLayer(layer), l !== 3, `layer ${l}`));
    const white = model.layers[3];
    white.perm.forEach((p, i) => assert.equal(p, i));
    white.packed.forEach((v, k) => {
      if (k % n > Math.floor(k / n)) assert.equal(v, 0, 'nothing above the diagonal');
    });
    assert.ok(model.layers[5].packed.every((v) => v === 0) && model.biases[5].every((v) => v === 0));
    assert.equal(report.kinkedFraction.length, 5);
    assert.deepEqual(flowLayerTraining(arch, 'gaussianize', 3), {
      diagonalLayers: [0, 1, 2, 4, 5],
      frozenLayers: [0, 1, 2],
    });
    assert.deepEqual(flowLayerTraining(arch, 'gaussianize', 3, true), {
      diagonalLayers: [0, 1, 2],
      frozenLayers: [0, 1, 2],
    });
  });

  it("fits the prior to its own draws: per class, the outputs have the prior's mean and standard deviation", () => {
    if (model.prior.kind !== 'class') throw new Error('expected a class prior');
    const z = [0, 1].map((d) => flowForward(model, draw(7, d), count).z);
    for (const a of [0, 4, 9]) {
      for (let j = 0; j < n; j++) {
        let s = 0,
          s2 = 0,
          m = 0;
        for (const zd of z)
          for (let r = 0; r < count; r++)
            if (data.labels[r] === a) {
              s += zd[r * n + j];
              s2 += zd[r * n + j] ** 2;
              m++;
            }
        const mean = s / m;
        const std = Math.sqrt(s2 / m - mean * mean);
        // The float32 layers and prior limit the agreement.
        assert.ok(
          Math.abs(mean - model.prior.mean[a * n + j]) < 1e-3 * (1 + Math.abs(mean)),
          `class ${a}, value ${j}: mean ${mean}`,
        );
        assert.ok(Math.abs(Math.log(std) - model.prior.logStd[a * n + j]) < 1e-3, `class ${a}, value ${j}: std ${std}`);
      }
    }
  });

  it('models fresh draws of the training images better than the analytic init of the same shape', () => {
    const fresh = dequantizeInto(data.images, count, n, createRng(99).fork('fresh'), new Float32Array(count * n));
    const analytic = initializeFlow(arch, data, { prior: 'class', seed: 7, kinkLayers: 3 }).model;
    const ours = flowNll(model, fresh, data.labels, count).loss;
    const theirs = flowNll(analytic, fresh, data.labels, count).loss;
    assert.ok(ours < theirs - 0.5, `gaussianized ${ours} nats, analytic ${theirs}`);
  });

  it('refuses architectures it cannot fill', () => {
    assert.throws(
      () => gaussianizeFlow(smallArchitecture(6, true, 0.5), data, { kinkLayers: 3, ridge: 0, seed: 0 }),
      /every layer but the last needs a LeakyReLU \(layer 6 has\)/,
    );
    assert.throws(
      () => gaussianizeFlow(arch, data, { kinkLayers: 5, ridge: 0, seed: 0 }),
      /kinkLayers must be an integer in 0..4, got 5/,
    );
  });
});

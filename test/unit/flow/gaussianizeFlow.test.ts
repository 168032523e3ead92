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

  it("fits a full covariance per class to all its draws: the outputs of those draws have the prior's mean, and its whitener turns their shrunk correlations into the identity", () => {
    const draws = 4;
    const shrinkage = 0.2;
    const stages: string[] = [];
    const full = gaussianizeFlow(arch, data, {
      kinkLayers: 3,
      ridge: 0.003,
      seed: 7,
      fullPrior: { draws, shrinkage },
      onStage: (stage) => stages.push(stage),
    });
    assert.deepEqual(stages, [
      'fitting 3 pixel kink layers to the pixel histograms',
      'whitening, then fitting 2 kinks on the whitened values of 2 dequantization draws',
      'fitting a full covariance per class to the latents of 4 dequantization draws',
    ]);
    const prior = full.model.prior;
    if (prior.kind !== 'class' || !prior.whitener) throw new Error('expected a full-covariance class prior');
    const z = Array.from({ length: draws }, (_, d) => flowForward(full.model, draw(7, d), count).z);
    for (const a of [0, 6]) {
      const rows: number[][] = [];
      for (const zd of z)
        for (let r = 0; r < count; r++)
          if (data.labels[r] === a) rows.push(Array.from(zd.subarray(r * n, (r + 1) * n)));
      const mean = Array.from({ length: n }, (_, j) => rows.reduce((s, row) => s + row[j], 0) / rows.length);
      mean.forEach((m, j) =>
        assert.ok(Math.abs(m - prior.mean[a * n + j]) < 1e-3 * (1 + Math.abs(m)), `class ${a}, value ${j}: mean ${m}`),
      );
      // C = shrunk correlation of the outputs; W·C·Wᵀ must be I.
      const sd = mean.map((m, j) => Math.sqrt(rows.reduce((s, row) => s + (row[j] - m) ** 2, 0) / rows.length));
      const c = (i: number, j: number) =>
        i === j
          ? 1
          : ((1 - shrinkage) * rows.reduce((s, row) => s + (row[i] - mean[i]) * (row[j] - mean[j]), 0)) /
            rows.length /
            (sd[i] * sd[j]);
      const w = (i: number, j: number) => prior.whitener?.[(a * n + i) * n + j] ?? NaN;
      let worst = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let v = 0;
          for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) v += w(i, p) * c(p, q) * w(j, q);
          worst = Math.max(worst, Math.abs(v - (i === j ? 1 : 0)));
        }
      assert.ok(worst < 1e-3, `class ${a}: W·C·Wᵀ is ${worst} from I`);
    }
    assert.throws(
      () => gaussianizeFlow(arch, data, { kinkLayers: 3, ridge: 0, seed: 0, fullPrior: { draws: 1, shrinkage } }),
      /fullPrior\.draws must be an integer ≥ 2, got 1/,
    );
  });

  it('fits the pixel kinks to histograms smoothed by its pixel pseudo-count, and refuses one that is not positive', () => {
    const kinks = (pixelPseudoCount?: number) =>
      gaussianizeFlow(arch, data, { kinkLayers: 3, ridge: 0.003, seed: 7, pixelPseudoCount }).model.biases.slice(0, 3);
    assert.deepEqual(kinks(1), kinks(undefined), 'add-one smoothing unless told otherwise');
    assert.notDeepEqual(kinks(0.01), kinks(1));
    assert.throws(
      () => gaussianizeFlow(arch, data, { kinkLayers: 3, ridge: 0, seed: 0, pixelPseudoCount: 0 }),
      /pixelPseudoCount must be a finite number > 0, got 0/,
    );
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

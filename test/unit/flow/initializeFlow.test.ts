import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { dequantizeInto } from '../../../src/core/train/flow/dequantize';
import { flowForward, flowNll } from '../../../src/core/train/flow/flowForward';
import { initializeFlow } from '../../../src/core/train/flow/initializeFlow';
import { WIDTH, pileData, smallArchitecture } from './flowFixtures';

const n = WIDTH;
const count = 1000;

/** The training images exactly as the initialization dequantized them. */
function initInputs(data: ReturnType<typeof pileData>, seed: number) {
  return dequantizeInto(data.images, count, n, createRng(seed).fork('flow-init'), new Float32Array(count * n));
}

describe('flow initialization', () => {
  const data = pileData(1);

  it('whitens: with a learned prior the outputs minus their class means have identity covariance', () => {
    const arch = smallArchitecture(3, true, 0.1);
    const { model } = initializeFlow(arch, data, { prior: 'class', seed: 2, ridge: 0 });
    const { z } = flowForward(model, initInputs(data, 2), count);
    if (model.prior.kind !== 'class') throw new Error('expected a class prior');
    const r = z.map(
      (v, k) => v - (model.prior.kind === 'class' ? model.prior.mean[data.labels[Math.floor(k / n)] * n + (k % n)] : 0),
    );
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let c = 0;
        for (let row = 0; row < count; row++) c += r[row * n + i] * r[row * n + j];
        c /= count;
        // float32 storage of the factors and the prior limits the agreement.
        assert.ok(Math.abs(c - (i === j ? 1 : 0)) < 2e-3, `covariance[${i},${j}] = ${c}`);
      }
    }
  });

  it('keeps every training pre-activation of the whitening tail positive, so the tail starts linear', () => {
    const arch = smallArchitecture(4, true, 0.1);
    const { model } = initializeFlow(arch, data, { prior: 'class', seed: 2, kinkLayers: 1 });
    const { preActivations } = flowForward(model, initInputs(data, 2), count);
    for (let l = 1; l < 4; l++)
      assert.ok(
        preActivations[l].every((v) => v > 0),
        `layer ${l} has a negative pre-activation`,
      );
  });

  it('models the piles of zeros: kink layers lower the training NLL well below the linear start', () => {
    const arch = smallArchitecture(3, false, 0.1);
    const x = initInputs(data, 3);
    const linear = flowNll(
      initializeFlow(arch, data, { prior: 'class', seed: 3, kinkLayers: 0 }).model,
      x,
      data.labels,
      count,
    ).loss;
    const kinked = initializeFlow(arch, data, { prior: 'class', seed: 3, kinkLayers: 2 });
    const loss = flowNll(kinked.model, x, data.labels, count).loss;
    assert.ok(loss < linear - 1, `NLL with kinks ${loss}, linear ${linear}`);
    assert.ok(kinked.report.kinkedFraction[0] > 0.5);
    kinked.model.layers.slice(0, 2).forEach((layer) => {
      layer.perm.forEach((p, i) => assert.equal(p, i));
      layer.packed.forEach((v, k) => {
        if (Math.floor(k / n) !== k % n) assert.equal(v, 0);
      });
    });
  });

  it('with the paper prior, turns the class direction onto 1 and stretches it by the optimal factor', () => {
    const arch = smallArchitecture(3, false, 0.1);
    const { model, report } = initializeFlow(arch, data, { prior: 'paper', seed: 4 });
    const { classDirectionNorm: k, stretch: s } = report;
    if (k === undefined || s === undefined) throw new Error('the paper prior reports k and s');
    assert.ok(s > 1 && k > 0);
    // Least-squares slope of every output coordinate on the label: the init maps the fitted
    // class direction to s·k·e with e = 1/√n, so every coordinate moves by s·k/√n per label.
    const { z } = flowForward(model, initInputs(data, 4), count);
    let meanA = 0;
    for (let r = 0; r < count; r++) meanA += data.labels[r] / count;
    for (let j = 0; j < n; j++) {
      let meanZ = 0,
        cov = 0,
        varA = 0;
      for (let r = 0; r < count; r++) meanZ += z[r * n + j] / count;
      for (let r = 0; r < count; r++) {
        cov += (data.labels[r] - meanA) * (z[r * n + j] - meanZ);
        varA += (data.labels[r] - meanA) ** 2;
      }
      const slope = cov / varA;
      assert.ok(
        Math.abs(slope - (s * k) / Math.sqrt(n)) < 1e-3 * (s * k),
        `coordinate ${j}: slope ${slope}, expected ${(s * k) / Math.sqrt(n)}`,
      );
    }
  });

  it('refuses kink layers without a LeakyReLU and out-of-range counts', () => {
    assert.throws(
      () => initializeFlow(smallArchitecture(3, true), data, { prior: 'paper', seed: 0, kinkLayers: 3 }),
      /kinkLayers must be an integer in 0..2/,
    );
  });
});

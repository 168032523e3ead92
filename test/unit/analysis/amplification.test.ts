import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  amplificationReports,
  noiseSample,
  noiseSweep,
  recognizableUpTo,
} from '../../../src/core/analysis/amplificationReport';
import { forwardRows } from '../../../src/core/analysis/forward';
import { analyseLayers } from '../../../src/core/analysis/layerSpectra';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import type { Tick } from '../../../src/core/analysis/progress';
import type { AmplificationPoint } from '../../../src/core/analysis/types';
import { customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { randomClassifier, randomImages } from './builders';

const tick: Tick = async () => undefined;
const N = 784;

/** diag(values) as a float32 row-major matrix. */
function diagonal(values: (i: number) => number): Float32Array {
  const w = new Float32Array(N * N);
  for (let i = 0; i < N; i++) w[i * N + i] = values(i);
  return w;
}

async function amplify(
  architecture: Architecture,
  weights: Float32Array[],
  biases: Float32Array[],
  noiseLevels: number[],
) {
  const net = invertibleNetwork(architecture, { weights, biases });
  const layers = await analyseLayers(net, tick);
  const images = randomImages(20, N, createRng(4));
  const embeddings = forwardRows(net, images.images, images.count, 'float32');
  return amplificationReports(
    { net, layers, images, embeddings, noiseLevels, imageCount: 20, seed: 1, classifier: randomClassifier() },
    tick,
  );
}

function assertClose(actual: readonly number[], expected: readonly number[], relative: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= relative * Math.abs(expected[i]),
      `${what}[${i}]: ${a}, expected ${expected[i]}`,
    ),
  );
}

describe('noise amplification', () => {
  // W₁ = ½·I and W₂ = 2·I with biases −10: every pre-activation lies near −10, so
  // both LeakyReLUs act on negative values only and the inverse's stages scale
  // errors by exactly 1/slope = 100, 1/2, 100 and 1/½ = 2.
  const architecture = customArchitecture({ depth: 2, activation: true, width: N });
  const weights = [diagonal(() => 0.5), diagonal(() => 2)];
  const biases = [new Float32Array(N).fill(-10), new Float32Array(N).fill(-10)];

  it('grows by exactly 1/slope per inverse LeakyReLU and 1/σ per inverse Linear of a diagonal network', async () => {
    // Up to δ = 1e-4 no value changes sign: after two stages the noise is 100·δ/2 against |h₁| ≥ 0.095.
    const [float32, float64] = await amplify(architecture, weights, biases, [1e-6, 1e-4]);
    assert.deepEqual(float64.stages, ['LeakyReLU 2⁻¹', 'Linear 2⁻¹', 'LeakyReLU 1⁻¹', 'Linear 1⁻¹']);
    assert.equal(float64.precision, 'float64');
    for (const point of float64.points)
      assertClose(point.growthPerStage, [100, 0.5, 100, 2], 1e-6, `float64 growth at δ = ${point.delta}`);
    // float32 resolves z ≈ −0.1 to 7e-9, so at δ = 1e-4 the measured growth is exact to about 1e-4;
    // its LeakyReLU slope is the float32 number nearest 0.01.
    assert.equal(float32.precision, 'float32');
    const slope32 = 1 / Math.fround(0.01);
    assertClose(float32.points[1].growthPerStage, [slope32, 0.5, slope32, 2], 1e-3, 'float32 growth at δ = 1e-4');
  });

  it('bounds each stage by 1/σmin or 1/slope, and the worst direction reaches the bound here', async () => {
    const [, float64] = await amplify(architecture, weights, biases, [1e-6]);
    assertClose(float64.boundPerStage, [100, 0.5, 100, 2], 1e-12, 'bounds');
    assert.ok(Math.abs(float64.totalBound - 1e4) < 1e-8);
    // Every direction is worst for a scaled identity: growth 100 · ½ · 100 · 2.
    assert.ok(Math.abs(float64.worstCaseGrowth - 1e4) < 1e-4, `worst-case growth ${float64.worstCaseGrowth}`);
    const total = float64.points[0].growthPerStage.reduce((a, b) => a * b, 1);
    assert.ok(Math.abs(total - 1e4) < 1e-4, `total growth ${total}`);
  });

  it("measures the worst case along the left singular vector of the last layer's σmin", async () => {
    // One layer diag(1, …, 1, σ, 1, …) with σ the float32 number nearest 0.01: only noise along that
    // coordinate grows, by 1/σ = 100.0000022.
    const single = customArchitecture({ depth: 1, activation: false, width: N });
    const sigma = Math.fround(0.01);
    const [, float64] = await amplify(
      single,
      [diagonal((i) => (i === 300 ? sigma : 1))],
      [new Float32Array(N)],
      [1e-6, 1e-4],
    );
    assert.ok(Math.abs(float64.worstCaseGrowth - 1 / sigma) < 1e-8, `worst-case growth ${float64.worstCaseGrowth}`);
    assertClose(float64.boundPerStage, [1 / sigma], 1e-12, 'bound');
    // Random noise puts about 1/784 of its energy on that coordinate: √(1 + 783·… ) well below the bound.
    for (const p of float64.points)
      assert.ok(p.growthPerStage[0] > 1 && p.growthPerStage[0] < 10, `random-noise growth ${p.growthPerStage[0]}`);
  });
});

describe('noise sweep', () => {
  it('gives every δ of a full sweep, solved in one batch, the very numbers of a sweep of that δ alone', async () => {
    // A random dense network, so that the solves' rounding differs row by row.
    const architecture = customArchitecture({ depth: 2, activation: true, width: N });
    const rng = createRng(9);
    const weights = [0, 1].map(() => new Float32Array(N * N).map(() => rng.normal() / Math.sqrt(N)));
    const biases = [0, 1].map(() => new Float32Array(N).map(() => rng.normal()));
    const net = invertibleNetwork(architecture, { weights, biases });
    const layers = await analyseLayers(net, tick);
    const images = randomImages(12, N, createRng(4));
    const embeddings = forwardRows(net, images.images, images.count, 'float32');
    const classifier = randomClassifier();
    const sample = noiseSample(net, images, embeddings, 12, classifier, 1);
    const levels = [1e-5, 1e-3, 1e-1];
    for (const precision of ['float32', 'float64'] as const) {
      const factors = layers.map((l) => l.factors[precision]);
      const full = await noiseSweep({ ...sample, net, factors, noiseLevels: levels, classifier });
      assert.equal(full.points.length, levels.length);
      for (const [k, delta] of levels.entries()) {
        const alone = await noiseSweep({
          ...sample,
          net,
          factors,
          noiseLevels: [delta],
          classifier,
          stopAtFirstFailure: true,
        });
        assert.deepEqual(full.points[k], alone.points[0], `${precision}, δ = ${delta}`);
        assert.deepEqual(full.clean, alone.clean, `${precision}: the noise-free inverse`);
      }
    }
  });
});

describe('recognizableUpTo', () => {
  const point = (delta: number, psnr: number, classifierAccuracy: number): AmplificationPoint => ({
    delta,
    errorAfterStage: [],
    growthPerStage: [],
    psnr,
    classifierAccuracy,
  });

  it('is the largest δ up to which PSNR ≥ 20 dB and the classifier keeps 90% of its clean accuracy', () => {
    const points = [point(1e-2, 15, 0.9), point(1e-4, 40, 0.95), point(1e-3, 22, 0.86), point(1e-1, 30, 0.95)];
    assert.equal(recognizableUpTo(points, 0.95), 1e-3);
    // 0.85 < 0.9 · 0.95: the classifier no longer reads enough digits at 1e-3.
    assert.equal(recognizableUpTo([point(1e-4, 40, 0.95), point(1e-3, 22, 0.85)], 0.95), 1e-4);
  });

  it('is null when the smallest δ already fails, even if a larger one passes', () => {
    assert.equal(recognizableUpTo([point(1e-6, 19.9, 1), point(1e-5, 30, 1)], 1), null);
  });
});

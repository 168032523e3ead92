import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { empiricalGaussianSamples } from '../../../src/core/analysis/empiricalGaussianSamples';
import { generationReport, type GenerationInput } from '../../../src/core/analysis/generationReport';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { balancedSelection, selectRows } from '../../../src/core/analysis/balancedSelection';
import { nearestDistances } from '../../../src/core/analysis/nearestDistances';
import { nearestReference } from '../../../src/core/analysis/nearestReference';
import { quoteAccuracy } from '../../../src/core/analysis/quoteAccuracy';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import type { Tick } from '../../../src/core/analysis/progress';
import { createRng } from '../../../src/core/random/rng';
import { randomClassifier, randomImages, wellConditioned } from './builders';

const tick: Tick = async () => undefined;

describe('empiricalGaussianSamples', () => {
  it('stays in the span of the centred embeddings, as a covariance of rank m − 1 requires', () => {
    // Two embeddings in R³: the centred data spans one line, so every sample is μ + t·(e₁ − e₂).
    const e = [1, 2, 3, 3, 2, 1];
    const z = empiricalGaussianSamples(e, 2, 3, 50, 1, createRng(1));
    for (let i = 0; i < 50; i++) {
      const d = [z[i * 3] - 2, z[i * 3 + 1] - 2, z[i * 3 + 2] - 2];
      // (1, 0, −1) direction only: the middle coordinate stays at the mean and the others are opposite.
      assert.ok(Math.abs(d[1]) < 1e-12 && Math.abs(d[0] + d[2]) < 1e-12, `sample ${i}: ${d}`);
    }
  });

  it('has the mean and covariance of the embeddings, scaled by T²', () => {
    const data = [0, 0, 2, 1, 4, 5, -1, 2]; // four points in R²
    const count = 40000;
    const z = empiricalGaussianSamples(data, 4, 2, count, 2, createRng(2));
    const mean = [0, 0];
    for (let i = 0; i < count; i++) {
      mean[0] += z[2 * i] / count;
      mean[1] += z[2 * i + 1] / count;
    }
    const cov = [0, 0, 0];
    for (let i = 0; i < count; i++) {
      const a = z[2 * i] - mean[0],
        b = z[2 * i + 1] - mean[1];
      cov[0] += (a * a) / count;
      cov[1] += (a * b) / count;
      cov[2] += (b * b) / count;
    }
    // Data mean (1.25, 2); sample covariance Σ = [[14.75, 10], [10, 14]] / 3 (by hand); T² = 4.
    const expected = [(4 * 14.75) / 3, (4 * 10) / 3, (4 * 14) / 3];
    assert.ok(Math.abs(mean[0] - 1.25) < 0.1 && Math.abs(mean[1] - 2) < 0.1, `mean ${mean}`);
    cov.forEach((c, i) =>
      assert.ok(Math.abs(c - expected[i]) < 0.03 * Math.abs(expected[i]), `cov[${i}] = ${c}, expected ${expected[i]}`),
    );
  });
});

describe('nearestDistances', () => {
  it('finds the nearest reference and measures it exactly', () => {
    const d = nearestDistances(Float32Array.of(0, 0, 3, 4), 2, Float32Array.of(3, 4, 1, 1), 2, 2);
    assert.ok(Math.abs(d[0] - Math.SQRT2) < 1e-12);
    assert.equal(d[1], 0, "a copy of a reference is at distance 0, not at the expansion's rounding error");
  });
});

describe('generation', () => {
  function input(seed: number): GenerationInput {
    const { architecture, params } = wellConditioned(784, 1, true, 21);
    const net = invertibleNetwork(architecture, params);
    const train = randomImages(60, 784, createRng(8));
    return {
      net,
      factors: factorLayers(net),
      train,
      reference: train.images.slice(0, 20 * 784),
      classifier: randomClassifier(),
      classifierTestAccuracy: 0.5,
      temperature: 1,
      samplesPerClass: 4,
      imagesPerClass: 2,
      embeddingImagesPerClass: 5,
      seed,
    };
  }

  it('is deterministic under a seed and changes with it', async () => {
    const a = await generationReport(input(3), tick);
    const b = await generationReport(input(3), tick);
    assert.deepEqual(a, b);
    const c = await generationReport(input(4), tick);
    assert.notDeepEqual(a.sets[0].perClass[0].images, c.sets[0].perClass[0].images);
  });

  it('draws both sources through both precisions, keeping a few images and scoring all samples', async () => {
    const report = await generationReport(input(3), tick);
    assert.deepEqual(
      report.sets.map((s) => `${s.source}/${s.precision}`),
      ['target/float32', 'target/float64', 'empirical/float32', 'empirical/float64'],
    );
    for (const set of report.sets) {
      assert.equal(set.perClass.length, 10);
      for (const c of set.perClass) {
        assert.equal(c.images.length, 2);
        assert.equal(c.sampleCount, 4);
        assert.ok(c.images.every((im) => im.length === 784));
        assert.ok(c.medianNearestDistance > 0);
      }
    }
    // The same embeddings go through both precisions of a well-conditioned network: nearly the same images.
    const f32 = report.sets[0].perClass[3].images[0];
    const f64 = report.sets[1].perClass[3].images[0];
    assert.ok(f32.every((v, i) => Math.abs(v - f64[i]) < 1e-3));
  });

  it('names the class Gaussian a control and the target a generator, each with what it tests', async () => {
    const report = await generationReport(input(3), tick);
    assert.deepEqual(
      report.sets.map((s) => s.role),
      ['generator', 'generator', 'control', 'control'],
    );
    assert.match(report.sets[0].description ?? '', /^Generator: z from the objective's target N\(2a·1, T²I\)/);
    assert.match(
      report.sets[2].description ?? '',
      /^Control: .*not whether the trained network generates.*Claims about generation do not follow from it\.$/,
    );
  });

  it("draws every set over seeds: one accuracy per seed, their mean, the first seed's images unchanged", async () => {
    const one = await generationReport(input(3), tick);
    const three = await generationReport({ ...input(3), seeds: 3 }, tick);
    for (const [k, set] of three.sets.entries()) {
      assert.equal(set.seedAccuracies?.length, 3);
      assert.equal(set.samplesPerSeed, 40);
      assert.equal(set.seedAccuracies?.[0], one.sets[k].accuracy, 'seed 0 is the one-seed analysis');
      assert.ok(Math.abs(set.accuracy - (set.seedAccuracies ?? []).reduce((a, b) => a + b, 0) / 3) < 1e-12);
      assert.ok(set.perClass.every((c) => c.sampleCount === 12));
      assert.deepEqual(
        set.perClass.map((c) => c.images),
        one.sets[k].perClass.map((c) => c.images),
      );
    }
    assert.equal(
      quoteAccuracy(0.0997, [0.092, 0.1, 0.1071], 1000),
      '9.97% ± 0.76 pt (mean ± sd over 3 seeds × 1000 samples)',
    );
    assert.equal(quoteAccuracy(0.098, [0.098], 1000), '9.8% (1000 samples)');
  });
});

describe('nearestDistances on digit-like images', () => {
  /** The exact nearest distance by brute force in float64. */
  function bruteForce(
    images: Float32Array,
    count: number,
    reference: Float32Array,
    references: number,
    n: number,
  ): Float64Array {
    return Float64Array.from({ length: count }, (_, i) => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < references; r++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += (images[i * n + j] - reference[r * n + j]) ** 2;
        best = Math.min(best, s);
      }
      return Math.sqrt(best);
    });
  }

  /** Mostly-zero images with values in [0, 1], as digits are. */
  function sparseImages(count: number, n: number, seed: number): Float32Array {
    const rng = createRng(seed);
    return Float32Array.from({ length: count * n }, () =>
      rng.uniform() < 0.2 ? Math.round(rng.uniform() * 1000) / 1000 : 0,
    );
  }

  it('equals a float64 brute force search, including near ties, copies and blank or saturated images', () => {
    const n = 100;
    const reference = sparseImages(300, n, 1);
    // Two references that differ in one pixel by 1e-3: a near tie for images close to both.
    reference.set(reference.subarray(0, n), 299 * n);
    reference[299 * n + 7] = Math.fround(reference[7] + 1e-3);
    const images = sparseImages(70, n, 2);
    images.set(reference.subarray(5 * n, 6 * n), 0);
    images.set(reference.subarray(0, n), n);
    images[n + 7] = Math.fround(reference[7] + 5e-4);
    images.fill(0, 2 * n, 3 * n);
    images.fill(1, 3 * n, 4 * n);
    const d = nearestDistances(images, 70, reference, 300, n);
    assert.deepEqual(Array.from(d), Array.from(bruteForce(images, 70, reference, 300, n)));
    assert.equal(d[0], 0);
  });

  it('measures an image against every reference when too many are equally near, and gives NaN for a NaN image', () => {
    const n = 20;
    // 100 identical references: every one is a candidate.
    const reference = new Float32Array(100 * n).fill(0.5);
    reference[99 * n] = 0.25;
    const images = new Float32Array(2 * n).fill(0.5);
    images[n + 3] = Number.NaN;
    const d = nearestDistances(images, 2, reference, 100, n);
    assert.equal(d[0], 0);
    assert.ok(Number.isNaN(d[1]));
  });

  it('reuses the reference rows of one training set, and measures against those of another after them', () => {
    const n = 30;
    const rng = createRng(3);
    const dataset = (count: number) => ({
      images: sparseImages(count, n, Math.floor(rng.uniform() * 1e6)),
      labels: Uint8Array.from({ length: count }, (_, i) => (i * 7) % 10),
      count,
      classes: 10,
    });
    const first = dataset(120);
    const second = dataset(90);
    const reference = nearestReference(first, n);
    assert.equal(nearestReference(first, n), reference, 'the same array, so its kernel form is kept');
    assert.deepEqual(
      Array.from(reference),
      Array.from(selectRows(first.images, n, balancedSelection(first.labels, 10, 8000))),
    );
    const images = sparseImages(12, n, 9);
    for (const train of [first, second, first]) {
      const rows = nearestReference(train, n);
      assert.deepEqual(
        Array.from(nearestDistances(images, 12, rows, train.count, n)),
        Array.from(bruteForce(images, 12, rows, train.count, n)),
      );
    }
  });
});

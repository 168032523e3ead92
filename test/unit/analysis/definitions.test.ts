import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SplitData } from '../../../src/core/data/dataset';
import { describeCondition, FLOAT64_RESOLVABLE_COND } from '../../../src/core/analysis/jacobianCondition';
import {
  DEFAULT_LIGHT_OPTIONS,
  lightAnalysis,
  type LightAnalysisOptions,
} from '../../../src/core/analysis/lightAnalysis';
import type { Architecture } from '../../../src/core/model/architecture';
import type { ModelParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { subset } from '../../../src/core/data/dataset';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import { reconstruct } from '../../../src/core/analysis/reconstructionReport';
import { ROUND_TRIP_IDS } from '../../../src/core/analysis/trajectoryTypes';
import { householder, linearNetwork, randomClassifier, shuffledBidiagonal, smallSplit } from './builders';

/**
 * Each definition of the light analysis checked on a network whose answer is
 * known: an orthogonal network inverts exactly in every precision; a layer of
 * κ ≈ 1e12 breaks float32 but not an all-float64 round trip; κ beyond 1/ε of
 * float64 is a bound; noise through W = H/4 grows exactly 4-fold.
 */
describe('light analysis definitions, on networks whose answers are known', () => {
  let split: SplitData;
  const classifier = async () => ({ classifier: randomClassifier(), testAccuracy: 0.1 });
  const quiet: Partial<LightAnalysisOptions> = { testImages: 40, noise: false, generation: false };

  before(async () => {
    split = await smallSplit(100, 60);
  });

  const analyse = (
    net: { architecture: Architecture; params: ModelParams },
    options: Partial<LightAnalysisOptions> = quiet,
  ) =>
    lightAnalysis({
      ...net,
      checkpointSha256: 'x'.repeat(64),
      epoch: 3,
      split,
      dataDescription: 'the first test digits',
      options: { ...DEFAULT_LIGHT_OPTIONS, ...options },
      classifier,
    });

  it('finds all three round trips exact for four orthogonal linear layers', async () => {
    const rng = createRng(2);
    const point = await analyse(
      linearNetwork([householder(784, rng), householder(784, rng), householder(784, rng), householder(784, rng)]),
    );
    assert.equal(point.source, 'light');
    assert.equal(point.epoch, 3);
    assert.equal(point.layers.length, 4);
    for (const layer of point.layers) assert.ok(layer.cond < 1.001, `κ of an orthogonal layer is ${layer.cond}`);
    for (const id of ['float32', 'mixed', 'float64'] as const) {
      const trip = point.roundTrips[id];
      assert.equal(trip.imageCount, 40);
      assert.equal(trip.brokenFraction, 0, `${id} round trip`);
      assert.ok(trip.meanAbsError < (id === 'float64' ? 1e-12 : 1e-5), `${id} MAE ${trip.meanAbsError}`);
    }
    assert.ok(point.jacobian.resolvable && point.jacobian.cond < 1.001, `κ(J) ${point.jacobian.cond}`);
    assert.equal(point.verdict, 'invertible');
    assert.equal(point.noise, undefined, 'skipped when not asked for');
    assert.equal(point.dataDescription, '40 balanced test images of the first test digits');
  });

  it('breaks the float32 and the mixed round trips with one layer of κ ≈ 1e12, while the all-float64 one stays exact', async () => {
    const rng = createRng(3);
    const point = await analyse(
      linearNetwork([
        householder(784, rng),
        shuffledBidiagonal(784, 40, rng),
        householder(784, rng),
        householder(784, rng),
      ]),
    );
    const cond = point.layers[1].cond;
    assert.ok(cond > 1e11 && cond < 1e13, `κ of layer 2 is ${cond}`);
    assert.ok(
      point.roundTrips.float32.brokenFraction > 0.9,
      `float32 broken ${point.roundTrips.float32.brokenFraction}`,
    );
    assert.ok(
      point.roundTrips.mixed.brokenFraction > 0.9,
      `mixed broken ${point.roundTrips.mixed.brokenFraction}: float64 cannot undo the float32 embedding's rounding`,
    );
    assert.equal(point.roundTrips.float64.brokenFraction, 0);
    assert.ok(point.roundTrips.float64.meanAbsError < 1e-2, `float64 MAE ${point.roundTrips.float64.meanAbsError}`);
    assert.equal(point.verdict, 'float32-insufficient');
    assert.equal(point.jacobian.resolvable, true);
    assert.ok(
      Math.abs(point.jacobian.cond / cond - 1) < 1e-3,
      `κ(J) ${point.jacobian.cond} is the one ill-conditioned layer's κ ${cond}`,
    );
  });

  it('gives the full analysis the same three round trips, named, over the same images', async () => {
    const rng = createRng(3);
    const { architecture, params } = linearNetwork([
      householder(784, rng),
      shuffledBidiagonal(784, 40, rng),
      householder(784, rng),
      householder(784, rng),
    ]);
    const net = invertibleNetwork(architecture, params);
    const test = subset(
      split.test,
      Array.from({ length: 20 }, (_, i) => i),
    );
    const { report } = await reconstruct(net, factorLayers(net), test, 1, async () => undefined);
    const trips = report.roundTrips;
    assert.ok(trips);
    assert.deepEqual(
      ROUND_TRIP_IDS.map((id) => trips[id].label),
      ['float32 round trip', 'float32 embedding, float64 inverse', 'float64 round trip'],
    );
    assert.equal(trips.float32.brokenFraction, 1);
    assert.equal(trips.mixed.brokenFraction, 1);
    assert.equal(trips.float64.brokenFraction, 0);
    assert.equal(trips.float64.imageCount, 20);
    assert.deepEqual(
      report.overall.float64,
      {
        meanAbsError: trips.mixed.meanAbsError,
        maxAbsError: trips.mixed.maxAbsError,
        psnr: trips.mixed.psnr,
        brokenFraction: trips.mixed.brokenFraction,
      },
      'overall.float64 is the float32 embedding inverted in float64',
    );
    assert.ok(report.examples.every((e) => e.float64RoundTrip?.length === 784));
  });

  it('reports κ(J) beyond what float64 resolves as the lower bound 1/ε, in numbers and in words', async () => {
    const rng = createRng(4);
    const point = await analyse(linearNetwork([householder(784, rng), shuffledBidiagonal(784, 60, rng)]));
    assert.ok(
      point.layers[1].cond > 1e16,
      `κ of layer 2 is ${point.layers[1].cond} (2⁶⁰ ≈ 1e18; its SVD saturates near 1/(n·ε))`,
    );
    assert.equal(point.jacobian.resolvable, false);
    assert.equal(point.jacobian.cond, FLOAT64_RESOLVABLE_COND);
    assert.equal(
      describeCondition(point.jacobian.cond, point.jacobian.resolvable),
      '> 4.5e15 (not resolvable in float64)',
    );
    assert.equal(describeCondition(2.5e7, true), '2.5e7');
    assert.equal(point.verdict, 'non-invertible-float64', 'float64 rounding times 1e18 swamps every image');
  });

  it('measures noise growth per image and pooled: W = H/4 grows noise exactly 4-fold in float64', async () => {
    const rng = createRng(5);
    const quarter = householder(784, rng).map((v) => v / 4);
    const point = await analyse(linearNetwork([quarter]), {
      testImages: 40,
      noiseImages: 20,
      noiseLevels: [1e-6, 1e-3],
      generation: false,
    });
    const f64 = point.noise?.find((x) => x.precision === 'float64');
    assert.ok(f64, 'float64 noise tolerance');
    assert.equal(f64.imageCount, 20);
    assert.ok(Math.abs(f64.medianGrowth - 4) < 1e-6, `per-image median growth ${f64.medianGrowth}`);
    assert.ok(Math.abs(f64.pooledGrowth - 4) < 1e-6, `pooled growth ${f64.pooledGrowth}`);
    assert.equal(f64.recognizableUpTo, 1e-3, 'δ = 1e-3 grows to 4e-3: still recognizable');
    assert.equal(point.noise?.length, 2);
  });

  it('quotes the generation score over seeds: one accuracy per seed, their mean, and every sample counted', async () => {
    const rng = createRng(6);
    const point = await analyse(linearNetwork([householder(784, rng)]), {
      testImages: 20,
      noise: false,
      samplesPerClass: 5,
      generationSeeds: 3,
      temperature: 0.5,
    });
    const g = point.generation;
    assert.ok(g);
    assert.equal(g.prior, 'paper');
    assert.equal(g.temperature, 0.5);
    assert.equal(g.sampleCount, 10 * 5 * 3);
    assert.equal(g.seedAccuracies?.length, 3);
    const mean = (g.seedAccuracies ?? []).reduce((a, b) => a + b, 0) / 3;
    assert.ok(Math.abs(g.accuracy - mean) < 1e-12);
    assert.ok(
      new Set(g.seedAccuracies).size > 1 || g.seedAccuracies?.every((a) => a === 0 || a === 1),
      'seeds draw different samples',
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { fitLowRankPrior } from '../../../src/core/train/flow/fitLowRankPrior';
import { flowCheckpointArrays, flowStateFromArrays } from '../../../src/core/train/flow/flowCheckpoint';
import type { FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { flowLatentNll } from '../../../src/core/train/flow/flowLoss';
import { drawPriorLatent, validateFlowPrior, type ClassPrior } from '../../../src/core/train/flow/flowPrior';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';
import { createSimdFlowEngine } from '../../../src/core/train/simd/simdFlowEngine';
import {
  WIDTH,
  assertEvaluatesReference,
  checkStepAgainstGradient,
  priorEngineOptions,
  assertDenseGaussianDensity,
  sampledCovarianceError,
  randomBatch,
  randomFlow,
  smallArchitecture,
} from './flowFixtures';

const n = WIDTH;

/** A rank-k class prior with random μ, ln σ and factors (classes × k × n). */
function lowRankPrior(seed: number, k: number, classes = 10): ClassPrior {
  const rng = createRng(seed);
  return {
    kind: 'class',
    classes,
    rank: k,
    mean: Float32Array.from({ length: classes * n }, () => rng.normal()),
    logStd: Float32Array.from({ length: classes * n }, () => 0.3 * rng.normal()),
    factors: Float32Array.from({ length: classes * k * n }, () => 0.7 * rng.normal()),
  };
}

/** The dense covariance diag σ_a² + F_aᵀF_a (float64). */
function denseCovariance(prior: ClassPrior, a: number): Float64Array {
  const k = prior.rank ?? 0;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    cov[i * n + i] = Math.exp(2 * prior.logStd[a * n + i]);
    for (let j = 0; j < n; j++) {
      for (let r = 0; r < k; r++)
        cov[i * n + j] += (prior.factors?.[(a * k + r) * n + i] ?? 0) * (prior.factors?.[(a * k + r) * n + j] ?? 0);
    }
  }
  return cov;
}

describe('low-rank-plus-diagonal class prior', () => {
  it('has the exact log-density of N(μ_a, diag σ_a² + F_aᵀF_a) (Woodbury and the determinant lemma against a dense Cholesky)', () => {
    const prior = lowRankPrior(1, 3);
    assertDenseGaussianDensity(prior, (a) => denseCovariance(prior, a), [0, 4, 9], 2);
  });

  it('reads as the diagonal prior when it has rank 0', () => {
    const prior = lowRankPrior(3, 2);
    const diagonal: ClassPrior = { kind: 'class', classes: 10, mean: prior.mean, logStd: prior.logStd };
    const z = Float64Array.from({ length: n }, (_, j) => j / n);
    assert.equal(
      flowLatentNll(z, 5, { ...diagonal, rank: 0, factors: new Float32Array(0) }),
      flowLatentNll(z, 5, diagonal),
    );
  });

  it('draws latents whose covariance is T²(diag σ² + FᵀF), and a diagonal prior draws what it drew before (ε first)', () => {
    const prior = lowRankPrior(5, 2, 1);
    const worst = sampledCovarianceError(prior, denseCovariance(prior, 0), 0.7, 6);
    assert.ok(worst < 0.05, `largest correlation-scaled covariance error ${worst}`);
    const diagonal: ClassPrior = { kind: 'class', classes: 1, mean: prior.mean, logStd: prior.logStd };
    const one = new Float64Array(n);
    drawPriorLatent(diagonal, 0, 1, createRng(7), one, 0, n);
    const plain = createRng(7);
    one.forEach((v, j) => assert.equal(v, prior.mean[j] + Math.exp(prior.logStd[j]) * plain.normal()));
  });

  it('fits in closed form a covariance near the one the latents were drawn from, and beats the diagonal fit on held-out latents', () => {
    const truth = lowRankPrior(8, 2, 2);
    const rng = createRng(9);
    const rows = 6000;
    const values = new Float64Array(rows * n);
    const label = (r: number) => r % 2;
    for (let r = 0; r < rows; r++) drawPriorLatent(truth, label(r), 1, rng, values, r * n, n);
    const fitted = fitLowRankPrior(values, rows, n, label, 2, 2);
    validateFlowPrior(fitted, n, 'fit');
    const diagonal = fitLowRankPrior(values, rows, n, label, 2, 0);
    for (const a of [0, 1]) {
      const want = denseCovariance(truth, a);
      const got = denseCovariance(fitted, a);
      let err = 0,
        norm = 0;
      want.forEach((w, i) => {
        err += (got[i] - w) ** 2;
        norm += w * w;
      });
      // PPCA's leftover variance is isotropic in standardized units and the truth's σ is not, so not exact.
      assert.ok(Math.sqrt(err / norm) < 0.25, `class ${a}: relative Frobenius error ${Math.sqrt(err / norm)}`);
    }
    const held = new Float64Array(n);
    let low = 0,
      diag = 0;
    for (let r = 0; r < 500; r++) {
      drawPriorLatent(truth, r % 2, 1, rng, held, 0, n);
      low += flowLatentNll(held, r % 2, fitted);
      diag += flowLatentNll(held, r % 2, diagonal);
    }
    assert.ok(low < diag, `held-out NLL: low rank ${low / 500}, diagonal ${diag / 500}`);
  });

  it('refuses factors of the wrong size, a rank without factors, and non-finite factors, naming the field', () => {
    const prior = lowRankPrior(10, 2);
    assert.throws(
      () => validateFlowPrior({ ...prior, factors: prior.factors?.subarray(1) }, n, 'here'),
      /here: prior\.factors must hold 10×2×12 = 240 numbers, got 239/,
    );
    assert.throws(
      () => validateFlowPrior({ ...prior, factors: undefined }, n, 'here'),
      /prior\.rank is 2 but prior\.factors is missing/,
    );
    assert.throws(() => validateFlowPrior({ ...prior, rank: -1 }, n, 'here'), /prior\.rank must be an integer/);
    const bad = prior.factors?.slice() ?? new Float32Array(0);
    bad[7] = Number.NaN;
    assert.throws(() => validateFlowPrior({ ...prior, factors: bad }, n, 'here'), /prior\.factors\[7\] is NaN/);
  });

  it('round-trips through the checkpoint arrays with its Adam moments, and names missing factors', () => {
    const arch = smallArchitecture(2, false);
    const { layers, biases } = randomFlow(arch, 11);
    const prior = lowRankPrior(12, 3);
    const rng = createRng(13);
    const moment = () => ({
      mean: Float32Array.from({ length: 10 * n }, () => rng.normal()),
      logStd: Float32Array.from({ length: 10 * n }, () => rng.normal()),
      factors: Float32Array.from({ length: 30 * n }, () => rng.normal()),
    });
    const state = { layers, biases, prior, priorMoments: { first: moment(), second: moment() } };
    const arrays = flowCheckpointArrays(arch, state);
    assert.deepEqual(arrays.find((a) => a.name === 'prior.factors')?.shape, [10, 3, n]);
    const byName = new Map(arrays.map((a) => [a.name, a.data]));
    const back = flowStateFromArrays(arch, 'class', (name) => byName.get(name), 10, 3);
    assert.deepEqual(back.prior, prior);
    assert.deepEqual(back.priorMoments, state.priorMoments);
    byName.delete('prior.factors');
    assert.throws(
      () => flowStateFromArrays(arch, 'class', (name) => byName.get(name), 10, 3),
      /"prior\.factors" is missing/,
    );
  });
});

describe('low-rank prior in the flow engines', () => {
  const arch = smallArchitecture(2, false, 0.3);

  it('tfjs: evaluates the float64 reference loss, and its first Adam step moves every prior number against the sign of the reference gradient', async () => {
    const prior = lowRankPrior(22, 2);
    const { images, labels } = randomBatch(23, 16);
    const { options, model } = priorEngineOptions(arch, prior, 21);
    const e = (await createTfjsEngine(options, await loadTfjs('cpu'))) as FlowTrainingEngine;
    try {
      await assertEvaluatesReference(e, model, { images, labels });
      await e.trainStep(images, labels, 16);
      const after = await e.getFlowState();
      if (after.prior.kind !== 'class' || !after.prior.factors || !prior.factors)
        throw new Error('expected a low-rank prior back');
      assert.equal(after.prior.rank, 2);
      assert.equal(after.priorMoments?.first.factors?.length, 20 * n);
      const checked = checkStepAgainstGradient(model, after.prior, ['factors', 'logStd', 'mean'], { images, labels });
      assert.ok(checked > 100, `only ${checked} prior numbers had a clear gradient`);
    } finally {
      e.dispose();
    }
  });

  it('simd: refuses a low-rank prior by name rather than training it as a diagonal one', async () => {
    const { options } = priorEngineOptions(arch, lowRankPrior(25, 2), 24);
    await assert.rejects(
      createSimdFlowEngine(options, 1),
      /its prior is diagonal; a low-rank class prior \(rank 2\) needs the tfjs flow engine/,
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { ClassMomentSums } from '../../../src/core/train/flow/fitFullPrior';
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

/** A full-covariance class prior with random μ, ln σ and lower-triangular whiteners (diagonal in [0.5, 1.5]). */
function fullPrior(seed: number, classes = 10): ClassPrior {
  const rng = createRng(seed);
  const whitener = new Float32Array(classes * n * n);
  for (let a = 0; a < classes; a++)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) whitener[(a * n + i) * n + j] = 0.4 * rng.normal();
      whitener[(a * n + i) * n + i] = 0.5 + rng.uniform();
    }
  return {
    kind: 'class',
    classes,
    mean: Float32Array.from({ length: classes * n }, () => rng.normal()),
    logStd: Float32Array.from({ length: classes * n }, () => 0.3 * rng.normal()),
    whitener,
  };
}

/** Σ_a = diag σ_a · (W_aᵀW_a)⁻¹ · diag σ_a, densely (float64). */
function denseCovariance(prior: ClassPrior, a: number): Float64Array {
  const w = Float64Array.from(prior.whitener?.subarray(a * n * n, (a + 1) * n * n) ?? []);
  // (WᵀW)⁻¹ = W⁻¹W⁻ᵀ: columns of W⁻¹ by forward substitution.
  const inv = new Float64Array(n * n);
  for (let c = 0; c < n; c++)
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let j = 0; j < i; j++) s -= w[i * n + j] * inv[j * n + c];
      inv[i * n + c] = s / w[i * n + i];
    }
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += inv[i * n + k] * inv[j * n + k];
      cov[i * n + j] = s * Math.exp(prior.logStd[a * n + i] + prior.logStd[a * n + j]);
    }
  return cov;
}

describe('full-covariance class prior', () => {
  it('has the exact log-density of N(μ_a, σ_a(W_aᵀW_a)⁻¹σ_a) (against a dense Cholesky of the covariance)', () => {
    const prior = fullPrior(1);
    assertDenseGaussianDensity(prior, (a) => denseCovariance(prior, a), [0, 3, 9], 2);
  });

  it('reads as the diagonal prior when every whitener is the identity', () => {
    const prior = fullPrior(3, 2);
    const identity = new Float32Array(2 * n * n);
    for (let a = 0; a < 2; a++) for (let i = 0; i < n; i++) identity[(a * n + i) * n + i] = 1;
    const diagonal: ClassPrior = { kind: 'class', classes: 2, mean: prior.mean, logStd: prior.logStd };
    const z = Float64Array.from({ length: n }, (_, j) => j / n);
    assert.ok(
      Math.abs(flowLatentNll(z, 1, { ...diagonal, whitener: identity }) - flowLatentNll(z, 1, diagonal)) < 1e-12,
    );
  });

  it('draws latents whose covariance is T²Σ_a', () => {
    const prior = fullPrior(5, 1);
    const worst = sampledCovarianceError(prior, denseCovariance(prior, 0), 0.7, 6);
    assert.ok(worst < 0.05, `largest correlation-scaled covariance error ${worst}`);
  });

  it('is fitted from moment sums added chunk by chunk: the shrunk sample covariance, near the truth, and better than the diagonal on held-out latents', () => {
    const truth = fullPrior(8, 2);
    const rng = createRng(9);
    const rows = 8000;
    const values = new Float64Array(rows * n);
    const label = (r: number) => r % 2;
    for (let r = 0; r < rows; r++) drawPriorLatent(truth, label(r), 1, rng, values, r * n, n);
    const whole = new ClassMomentSums(2, n);
    whole.add(values, rows, label);
    const chunked = new ClassMomentSums(2, n);
    for (let r0 = 0; r0 < rows; r0 += 3000) {
      const size = Math.min(rows, r0 + 3000) - r0;
      chunked.add(values.subarray(r0 * n, (r0 + size) * n), size, (r) => label(r0 + r));
    }
    const fitted = whole.fit(0.01);
    validateFlowPrior(fitted, n, 'fit');
    const again = chunked.fit(0.01);
    fitted.whitener?.forEach((w, k) => assert.ok(Math.abs(w - (again.whitener?.[k] ?? NaN)) < 1e-5, `whitener[${k}]`));
    for (const a of [0, 1]) {
      const want = denseCovariance(truth, a);
      const got = denseCovariance(fitted, a);
      let err = 0,
        norm = 0;
      want.forEach((w, i) => {
        err += (got[i] - w) ** 2;
        norm += w * w;
      });
      assert.ok(Math.sqrt(err / norm) < 0.08, `class ${a}: relative Frobenius error ${Math.sqrt(err / norm)}`);
    }
    // λ = 1 keeps only the diagonal: the whitener is the identity.
    const diagonal = whole.fit(1);
    diagonal.whitener?.forEach((w, k) => assert.equal(w, Math.floor(k / n) % n === k % n ? 1 : 0, `whitener[${k}]`));
    const held = new Float64Array(n);
    let full = 0,
      diag = 0;
    for (let r = 0; r < 500; r++) {
      drawPriorLatent(truth, r % 2, 1, rng, held, 0, n);
      full += flowLatentNll(held, r % 2, fitted);
      diag += flowLatentNll(held, r % 2, diagonal);
    }
    assert.ok(full < diag, `held-out NLL: full ${full / 500}, diagonal ${diag / 500}`);
  });

  it('refuses a whitener of the wrong size, not lower-triangular, with a non-positive diagonal, or beside low-rank factors', () => {
    const prior = fullPrior(10, 2);
    const w = prior.whitener ?? new Float32Array(0);
    assert.throws(
      () => validateFlowPrior({ ...prior, whitener: w.subarray(1) }, n, 'here'),
      /here: prior\.whitener must hold 2×12×12 = 288 numbers, got 287/,
    );
    const upper = w.slice();
    upper[n + 5] = 0.1;
    assert.throws(
      () => validateFlowPrior({ ...prior, whitener: upper }, n, 'here'),
      /class 0 has 0\.1.* at \(1, 5\).*lower-triangular/,
    );
    const flat = w.slice();
    flat[(n + 3) * n + 3] = 0;
    assert.throws(
      () => validateFlowPrior({ ...prior, whitener: flat }, n, 'here'),
      /class 1 has 0 at \(3, 3\).*positive/,
    );
    assert.throws(
      () => validateFlowPrior({ ...prior, rank: 1, factors: new Float32Array(2 * n) }, n, 'here'),
      /exclude each other/,
    );
  });

  it('round-trips through the checkpoint arrays as its lower triangles, and names a missing whitener', () => {
    const arch = smallArchitecture(2, false);
    const { layers, biases } = randomFlow(arch, 11);
    const prior = fullPrior(12);
    const state = { layers, biases, prior };
    const arrays = flowCheckpointArrays(arch, state);
    assert.deepEqual(arrays.find((a) => a.name === 'prior.whitener')?.shape, [10, (n * (n + 1)) / 2]);
    const byName = new Map(arrays.map((a) => [a.name, a.data]));
    assert.deepEqual(flowStateFromArrays(arch, 'class', (name) => byName.get(name), 10, 0, true).prior, prior);
    byName.delete('prior.whitener');
    assert.throws(
      () => flowStateFromArrays(arch, 'class', (name) => byName.get(name), 10, 0, true),
      /"prior\.whitener" is missing/,
    );
  });
});

describe('full-covariance prior in the flow engines', () => {
  const arch = smallArchitecture(2, false, 0.3);

  it('tfjs: evaluates the float64 reference loss with rows of every class in any order, trains μ and σ, and keeps the whitener', async () => {
    const prior = fullPrior(22);
    const { images, labels } = randomBatch(23, 16);
    const { options, model } = priorEngineOptions(arch, prior, 21);
    const engine = (await createTfjsEngine(options, await loadTfjs('cpu'))) as FlowTrainingEngine;
    try {
      assert.ok(new Set(labels).size > 3, 'the batch mixes classes');
      await assertEvaluatesReference(engine, model, { images, labels });
      await engine.trainStep(images, labels, 16);
      const after = await engine.getFlowState();
      if (after.prior.kind !== 'class') throw new Error('expected a class prior back');
      assert.deepEqual(after.prior.whitener, prior.whitener);
      assert.equal(after.priorMoments?.first.factors, undefined);
      const checked = checkStepAgainstGradient(model, after.prior, ['logStd', 'mean'], { images, labels });
      assert.ok(checked > 50, `only ${checked} prior numbers had a clear gradient`);
    } finally {
      engine.dispose();
    }
  });

  it('simd: refuses a full-covariance prior by name rather than training it as a diagonal one', async () => {
    const { options } = priorEngineOptions(arch, fullPrior(24), 25);
    await assert.rejects(createSimdFlowEngine(options, 1), /full-covariance class prior needs the tfjs flow engine/);
  });
});

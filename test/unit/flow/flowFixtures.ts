import { customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { createRng, type Rng } from '../../../src/core/random/rng';
import assert from 'node:assert/strict';
import { cholesky } from '../../../src/core/train/flow/cholesky';
import { LOG_2PI } from '../../../src/core/train/seedLoss';
import type { EngineOptions } from '../../../src/core/train/engine';
import type { FlowEngineOptions, FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { flowNll } from '../../../src/core/train/flow/flowForward';
import type { FlowModel } from '../../../src/core/train/flow/flowModel';
import { drawPriorLatent, type ClassPrior } from '../../../src/core/train/flow/flowPrior';
import { flowLatentNll } from '../../../src/core/train/flow/flowLoss';
import type { LuLayer } from '../../../src/core/train/flow/luLayer';

/** A narrow LU flow: the code paths of width 784 at a size a float64 reference checks in milliseconds. */
export const WIDTH = 12;

export function smallArchitecture(depth = 3, activateLast = true, negativeSlope = 0.1): Architecture {
  return customArchitecture({
    name: 'test',
    depth,
    activation: true,
    activateLast,
    width: WIDTH,
    negativeSlope,
    parametrization: 'lu',
  });
}

/** A random LU layer: L and U entries ~ U(−0.3, 0.3), log|u_ii| ~ U(−0.5, 0.5), random signs and permutation. */
export function randomLuLayer(n: number, rng: Rng): LuLayer {
  const packed = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) packed[i] = (rng.uniform() - 0.5) * 0.6;
  for (let i = 0; i < n; i++) packed[i * n + i] = rng.uniform() - 0.5;
  const sign = Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
  const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  return { width: n, packed, sign, perm };
}

export function randomFlow(arch: Architecture, seed: number) {
  const rng = createRng(seed);
  const layers = arch.layers.map(() => randomLuLayer(arch.width, rng));
  const biases = arch.layers.map(() => Float32Array.from({ length: arch.width }, () => (rng.uniform() - 0.5) * 0.4));
  return { layers, biases };
}

/** Images on [0, 1] with many exact zeros (like MNIST's background) and labels 0..9. */
export function randomBatch(seed: number, count: number, n = WIDTH) {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: count * n }, () =>
    rng.uniform() < 0.5 ? 0 : Math.round(rng.uniform() * 255) / 255,
  );
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { images, labels };
}

/** det of a dense n×n matrix by Gaussian elimination with partial pivoting (float64), as ln|det|. */
export function logAbsDetByElimination(w: ArrayLike<number>, n: number): number {
  const a = Float64Array.from(w);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    if (p !== k)
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    const d = a[k * n + k];
    sum += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / d;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return sum;
}

/** MNIST-like data: each pixel is exactly 0 with its own probability, otherwise a level that moves linearly with the label plus image noise. */
export function pileData(seed: number, count = 1000, n = WIDTH) {
  const rng = createRng(seed);
  const zeroChance = Array.from({ length: n }, (_, j) => 0.2 + (0.7 * j) / n);
  const images = new Float32Array(count * n);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const a = r % 10;
    labels[r] = a;
    const shared = rng.normal();
    for (let j = 0; j < n; j++) {
      if (rng.uniform() < zeroChance[j]) continue;
      const v = 0.3 + 0.06 * a * (0.5 + 0.5 * Math.cos(j)) + 0.1 * shared + 0.05 * rng.normal();
      images[r * n + j] = Math.round(255 * Math.min(1, Math.max(0, v))) / 255;
    }
  }
  return { images, labels, count, classes: 10 };
}

/**
 * Checks that one Adam step moved each of the prior's numbers in `fields` against the sign
 * of the float64 reference gradient (central differences of flowNll; numbers whose gradient
 * is under 1e-3 are skipped) and returns how many it checked.
 */
export function checkStepAgainstGradient(
  model: FlowModel & { readonly prior: ClassPrior },
  after: ClassPrior,
  fields: ReadonlyArray<'mean' | 'logStd' | 'factors'>,
  batch: { readonly images: Float32Array; readonly labels: Uint8Array },
): number {
  const h = 1e-6;
  const count = batch.labels.length;
  let checked = 0;
  for (const field of fields) {
    const before = model.prior[field] ?? new Float32Array(0);
    const now = after[field] ?? new Float32Array(0);
    for (let i = 0; i < before.length; i++) {
      const nudged = (d: number) => {
        const copy = Float32Array.from(before);
        copy[i] = before[i] + d;
        return flowNll({ ...model, prior: { ...model.prior, [field]: copy } }, batch.images, batch.labels, count).loss;
      };
      const fd = (nudged(h) - nudged(-h)) / (2 * h);
      if (Math.abs(fd) < 1e-3) continue;
      checked++;
      assert.equal(
        Math.sign(now[i] - before[i]),
        -Math.sign(fd),
        `${field}[${i}]: moved ${now[i] - before[i]}, gradient ${fd}`,
      );
    }
  }
  return checked;
}

/** −log N(z; mean, covariance) by a dense Cholesky factorization (float64): the reference structured priors are checked against. */
export function denseGaussianNll(
  z: Float64Array,
  mean: ArrayLike<number>,
  covariance: Float64Array,
  n: number,
): number {
  const c = cholesky(covariance, n);
  const y = new Float64Array(n);
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    let s = z[i] - mean[i];
    for (let p = 0; p < i; p++) s -= c[i * n + p] * y[p];
    y[i] = s / c[i * n + i];
    quad += y[i] ** 2;
    logDet += Math.log(c[i * n + i]);
  }
  return 0.5 * quad + logDet + 0.5 * n * LOG_2PI;
}

/** Checks flowLatentNll of a class prior against denseGaussianNll of its dense covariance at random z, for each class in `labels`. */
export function assertDenseGaussianDensity(
  prior: ClassPrior,
  covariance: (label: number) => Float64Array,
  labels: readonly number[],
  seed: number,
): void {
  const n = prior.mean.length / prior.classes;
  const rng = createRng(seed);
  for (const a of labels) {
    const z = Float64Array.from({ length: n }, () => 2 * rng.normal());
    const want = denseGaussianNll(z, prior.mean.subarray(a * n, (a + 1) * n), covariance(a), n);
    const got = flowLatentNll(z, a, prior);
    assert.ok(Math.abs(got - want) < 1e-9 * Math.abs(want), `class ${a}: ${got} vs ${want}`);
  }
}

/**
 * The largest error, scaled by the standard deviations, between T²·covariance and the
 * covariance of `count` latents drawPriorLatent draws for class 0 at temperature T.
 */
export function sampledCovarianceError(
  prior: ClassPrior,
  covariance: Float64Array,
  temperature: number,
  seed: number,
  count = 40000,
): number {
  const n = prior.mean.length / prior.classes;
  const rng = createRng(seed);
  const z = new Float64Array(count * n);
  for (let r = 0; r < count; r++) drawPriorLatent(prior, 0, temperature, rng, z, r * n, n);
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < count; r++) s += (z[r * n + i] - prior.mean[i]) * (z[r * n + j] - prior.mean[j]);
      const want = temperature * temperature * covariance[i * n + j];
      worst = Math.max(worst, Math.abs(s / count - want) / Math.sqrt(covariance[i * n + i] * covariance[j * n + j]));
    }
  return worst;
}

/** Engine options for a random flow of `arch` with a learned `prior` (no dequantization, no warm-up), and the model they start as. */
export function priorEngineOptions(arch: Architecture, prior: ClassPrior, seed: number) {
  const { layers, biases } = randomFlow(arch, seed);
  const flow: FlowEngineOptions = {
    prior: 'class',
    initialLayers: layers,
    initialPrior: prior,
    dequantize: false,
    seed: 0,
    boundarySurrogate: 0,
    warmupSteps: 0,
  };
  const options: EngineOptions & { readonly flow: FlowEngineOptions } = {
    architecture: arch,
    objective: 'flow',
    learningRate: 1e-3,
    maxBatchSize: 16,
    initialParams: { weights: [], biases },
    flow,
  };
  return { options, model: { architecture: arch, layers, biases, prior } };
}

/** Checks an engine's evaluation of a batch against the float64 reference flowNll: the loss and its latent part, to 1e-5. */
export async function assertEvaluatesReference(
  engine: FlowTrainingEngine,
  model: FlowModel,
  batch: { readonly images: Float32Array; readonly labels: Uint8Array },
): Promise<void> {
  const count = batch.labels.length;
  const want = flowNll(model, batch.images, batch.labels, count);
  const got = await engine.evaluate(batch.images, batch.labels, count);
  assert.ok(Math.abs(got.loss - want.loss) < 1e-5 * Math.abs(want.loss), `loss ${got.loss} vs ${want.loss}`);
  assert.ok(
    Math.abs(got.parts[0] - want.parts[0]) < 1e-5 * Math.abs(want.parts[0]),
    `latent ${got.parts[0]} vs ${want.parts[0]}`,
  );
}

/**
 * Networks, data and classifiers for the analysis tests, all from seeded
 * randomness so every run sees the same numbers.
 */
import { subset, type Dataset, type SplitData } from '../../../src/core/data/dataset';
import { DEFAULT_DATA_SPEC, loadData } from '../../../src/core/data/loadData';
import { customArchitecture, presetArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { initParams, type ModelParams } from '../../../src/core/model/params';
import { writeCheckpoint } from '../../../src/core/store/checkpoint';
import type { DigitClassifier } from '../../../src/core/analysis/classifier/digitClassifier';
import { createRng, type Rng } from '../../../src/core/random/rng';

/** A random n×n orthogonal matrix (row-major): Gram–Schmidt, done twice, on a Gaussian matrix. */
export function orthogonal(n: number, rng: Rng): Float64Array {
  const q = new Float64Array(n * n).map(() => rng.normal());
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += q[i * n + j] * q[k * n + j];
        for (let j = 0; j < n; j++) q[i * n + j] -= dot * q[k * n + j];
      }
      let norm = 0;
      for (let j = 0; j < n; j++) norm += q[i * n + j] ** 2;
      norm = Math.sqrt(norm);
      for (let j = 0; j < n; j++) q[i * n + j] /= norm;
    }
  }
  return q;
}

/** U·diag(sigmas)·Vᵀ with random orthogonal U and V, rounded to float32 (as a checkpoint stores it). */
export function matrixWithSingularValues(sigmas: readonly number[], rng: Rng): Float32Array {
  const n = sigmas.length;
  const u = orthogonal(n, rng);
  const v = orthogonal(n, rng);
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += u[i * n + k] * sigmas[k] * v[j * n + k];
      w[i * n + j] = s;
    }
  }
  return w;
}

/** Singular values spaced evenly in log between 1 and 1/cond. */
export function logSpaced(n: number, cond: number): number[] {
  return Array.from({ length: n }, (_, i) => cond ** (-i / (n - 1)));
}

/**
 * An n×n matrix that is exact in float32 and has κ ≈ 2^k: the identity with
 * −2 on the superdiagonal of its first k+1 rows (its inverse has entries up
 * to 2^k), rows and columns shuffled so that it does not look triangular.
 */
export function shuffledBidiagonal(n: number, k: number, rng: Rng): Float32Array {
  const rows = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const cols = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    w[rows[i] * n + cols[i]] = 1;
    if (i < k) w[rows[i] * n + cols[i + 1]] = -2;
  }
  return w;
}

/** Parameters of `architecture` with the given weights and small random biases. */
export function paramsWith(
  architecture: Architecture,
  weights: readonly Float32Array[],
  rng: Rng,
  biasScale = 0.1,
): ModelParams {
  const n = architecture.width;
  return {
    weights: weights.map((w) => Float32Array.from(w)),
    biases: weights.map(() => new Float32Array(n).map(() => biasScale * (2 * rng.uniform() - 1))),
  };
}

/** `count` random "images" of n pixels in [0, 1], labels 0..9 in turn. */
export function randomImages(count: number, n: number, rng: Rng): Dataset {
  return {
    images: new Float32Array(count * n).map(() => rng.uniform()),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    classes: 10,
  };
}

/** A width-n network of `depth` layers with W = I + noise·G/√n: well conditioned (κ of a few). */
export function wellConditioned(
  n: number,
  depth: number,
  activation: boolean,
  seed = 1,
): { architecture: Architecture; params: ModelParams } {
  const rng = createRng(seed);
  const architecture = customArchitecture({ depth, activation, width: n });
  const weights = Array.from({ length: depth }, () => {
    const w = new Float32Array(n * n).map(() => (0.3 * rng.normal()) / Math.sqrt(n));
    for (let i = 0; i < n; i++) w[i * n + i] += 1;
    return w;
  });
  return { architecture, params: paramsWith(architecture, weights, rng) };
}

/** A classifier with random weights: it reads digits no better than chance, but it is cheap and deterministic. */
export function randomClassifier(seed = 3, hidden = 8): DigitClassifier {
  const rng = createRng(seed);
  return {
    hidden,
    w1: new Float64Array(784 * hidden).map(() => rng.normal() * 0.05),
    b1: new Float64Array(hidden),
    w2: new Float64Array(hidden * 10).map(() => rng.normal()),
    b2: new Float64Array(10),
  };
}

/**
 * An n×n matrix exact in float32 that is singular but for one entry: small
 * random integers whose last row is the sum of the first two (rank n − 1),
 * with w₀₀ = 2⁻⁶⁰ where the integers have a 0. Its determinant is 2⁻⁶⁰ times
 * a minor, so κ is around 1e17 and even a float64 forward pass rounds away
 * what the inverse would need.
 */
export function nearlySingularIntegers(n: number, rng: Rng): Float32Array {
  const w = new Float32Array(n * n).map(() => rng.int(5) - 2);
  w[0] = 0;
  for (let j = 0; j < n; j++) w[(n - 1) * n + j] = w[j] + w[n + j];
  w[0] = 2 ** -60;
  return w;
}

/**
 * Writes a checkpoint of the Small architecture (one 784×784 layer and a
 * LeakyReLU) with PyTorch's initialization from `seed`.
 */
export async function writeSmallCheckpoint(file: string, seed: number, epoch = 1): Promise<void> {
  const architecture = presetArchitecture('small');
  await writeCheckpoint(file, {
    architecture,
    params: initParams(architecture, createRng(seed)),
    training: {
      epoch,
      globalStep: epoch * 10,
      objective: 'seed',
      seed,
      trainLoss: 1,
      testLoss: 1,
      createdAt: '2026-01-21T09:00:00.000Z',
      invertscopeVersion: '0.1.0',
    },
  });
}

/** The first `train` and `test` images of the default split of the embedded digits. */
export async function smallSplit(train: number, test: number): Promise<SplitData> {
  const full = await loadData(DEFAULT_DATA_SPEC);
  return {
    ...full,
    train: subset(
      full.train,
      Array.from({ length: train }, (_, i) => i),
    ),
    test: subset(
      full.test,
      Array.from({ length: test }, (_, i) => i),
    ),
  };
}

/** Analysis options small enough for a unit test (a second or two for a Small checkpoint). */
export const QUICK_OPTIONS = {
  testImages: 40,
  amplificationImages: 10,
  backwardImages: 10,
  noiseLevels: [1e-4, 1e-2],
  samplesPerClass: 2,
  imagesPerClass: 1,
  embeddingImagesPerClass: 3,
  examplesPerClass: 1,
} as const;

/** A classifier that trains in well under a second. */
export const QUICK_CLASSIFIER = { hidden: 8, epochs: 1 } as const;

/**
 * The Householder reflection I − 2vvᵀ/‖v‖² for a random v, rounded to float32:
 * dense, orthogonal to float32 precision (κ within a few ε of 1), and built
 * in O(n²), unlike `orthogonal`.
 */
export function householder(n: number, rng: Rng): Float32Array {
  const v = new Float64Array(n).map(() => rng.normal());
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / norm2;
  return w;
}

/** A NoActivations-style network (Linear layers only) of width 784 with these weights and small random biases. */
export function linearNetwork(
  weights: readonly Float32Array[],
  seed = 1,
): { architecture: Architecture; params: ModelParams } {
  const architecture = customArchitecture({ depth: weights.length, activation: false, width: 784 });
  return { architecture, params: paramsWith(architecture, weights, createRng(seed)) };
}

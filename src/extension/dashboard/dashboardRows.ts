/**
 * What the runs dashboard's table shows of each run, from plain data so it is
 * tested without VS Code. Rows carry no metrics, split indices or analyses:
 * a folder of hundreds of runs crosses postMessage as a few hundred small
 * objects.
 */
import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { RunRecord } from '../../core/store/runTypes';
import { bitsPerDim } from '../../core/train/flow/bitsPerDim';
import type { DashboardRow, FinalLosses, LatestAnalysis } from '../../contracts/dashboardProtocol';
import { VERDICT_WORDS } from '../tree/treePresentation';

export function dashboardRow(run: RunRecord, latest: TrajectoryPoint | null): DashboardRow {
  const { config } = run;
  const architecture = config.architecture;
  const activated = architecture.layers.some((layer) => layer.activation);
  return {
    id: run.id,
    createdAt: run.createdAt,
    status: run.status,
    model: architecture.name,
    objective: config.objective,
    slope: activated ? architecture.negativeSlope : null,
    depth: architecture.layers.length,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    seed: config.seed,
    data: run.data.description,
    backend: run.backend?.name ?? config.backend,
    epochsCompleted: run.epochsCompleted,
    epochs: config.epochs,
    stepsPerEpoch: Math.max(1, Math.ceil(run.data.trainCount / Math.max(1, config.batchSize))),
    final: finalLosses(run),
    latest: latest ? latestAnalysis(latest) : null,
    imported: run.importedFrom !== undefined,
  };
}

/** The last checkpoint's losses: the trainer always checkpoints the last epoch, so for a finished run these are its final ones. */
export function finalLosses(run: RunRecord): FinalLosses | null {
  const last = [...run.checkpoints].sort((a, b) => a.epoch - b.epoch).at(-1);
  if (!last || (Number.isNaN(last.trainLoss) && Number.isNaN(last.testLoss))) return null;
  const bits =
    run.config.objective === 'flow' && run.config.dequantize && Number.isFinite(last.testLoss)
      ? bitsPerDim(last.testLoss, run.config.architecture.width)
      : null;
  return { epoch: last.epoch, trainLoss: last.trainLoss, testLoss: last.testLoss, testBitsPerDim: bits };
}

function latestAnalysis(point: TrajectoryPoint): LatestAnalysis {
  return {
    epoch: point.epoch,
    kappa: point.jacobian.cond,
    resolvable: point.jacobian.resolvable,
    verdict: point.verdict,
    verdictWords: VERDICT_WORDS[point.verdict],
    brokenFloat32: point.roundTrips.float32.brokenFraction,
  };
}

import { join } from 'node:path';
import { analyzeCheckpoint } from '../analysis/analyzeCheckpoint';
import type { ClassifierSettings } from '../analysis/classifier/digitClassifier';
import type { AnalysisOptions } from '../analysis/options';
import type { RunTrajectory, TrajectoryPoint } from '../analysis/trajectoryTypes';
import type { CheckpointAnalysis } from '../analysis/types';
import type { RunStore } from '../store/runStore';
import type { EpochMetric, RunRecord } from '../store/runTypes';

/**
 * The light analysis of one checkpoint (what a trajectory is made of), from
 * its cache next to the checkpoint when valid. Aborting `signal` rejects with
 * InvertscopeError('CANCELLED') at the next stage boundary.
 */
export type LightAnalyzer = (checkpoint: string, hooks: AnalysisHooks) => Promise<LightAnalysis>;

export interface LightAnalysis {
  readonly point: TrajectoryPoint;
  /** Which images the point was measured on, for people. */
  readonly dataDescription: string;
  readonly fromCache: boolean;
}

export interface AnalysisHooks {
  readonly signal: AbortSignal;
  readonly onProgress: (fraction: number, message: string) => void;
}

/** How analyses are computed: the light analyzer, and the full analysis's settings (defaults: the inspector's, so they share its cache). */
export interface AnalysisSetup {
  readonly light: LightAnalyzer;
  readonly fullOptions?: Partial<AnalysisOptions>;
  readonly classifierSettings?: Partial<ClassifierSettings>;
}

/** What a report needs of one run. */
export interface AnalysedRun {
  readonly record: RunRecord;
  readonly trajectory: RunTrajectory;
  readonly epochMetrics: readonly EpochMetric[];
  readonly analyses: ReadonlyArray<{ readonly epoch: number; readonly analysis: CheckpointAnalysis }>;
}

/** One unit of analysis work, announced before it starts so a caller can show progress and time it. */
export interface AnalysisStep {
  readonly kind: 'light' | 'full';
  readonly epoch: number;
}

export interface AnalyseRunHooks {
  readonly signal: AbortSignal;
  /** Called before each step and as it progresses (fraction in [0, 1]). */
  readonly onStep: (step: AnalysisStep, fraction: number, message: string) => void;
  readonly onStepDone: (step: AnalysisStep, fromCache: boolean) => void;
}

/**
 * Analyses every checkpoint of a run lightly and the checkpoints of
 * `fullEpochs` in full (those a report draws the inspector's charts for), and
 * reads its epoch metrics: everything a report shows of the run.
 */
export async function analyseRun(
  store: RunStore,
  runId: string,
  fullEpochs: readonly number[],
  setup: AnalysisSetup,
  hooks: AnalyseRunHooks,
): Promise<AnalysedRun> {
  const record = await store.readRun(runId);
  const folder = store.folderOf(runId);
  const points: TrajectoryPoint[] = [];
  let dataDescription = record.data.description;
  for (const entry of [...record.checkpoints].sort((a, b) => a.epoch - b.epoch)) {
    const step: AnalysisStep = { kind: 'light', epoch: entry.epoch };
    hooks.onStep(step, 0, `analysing epoch ${entry.epoch}`);
    const light = await setup.light(join(folder, entry.file), {
      signal: hooks.signal,
      onProgress: (f, m) => hooks.onStep(step, f, m),
    });
    points.push(light.point);
    dataDescription = light.dataDescription;
    hooks.onStepDone(step, light.fromCache);
  }
  const analyses: Array<{ epoch: number; analysis: CheckpointAnalysis }> = [];
  for (const epoch of fullEpochs) {
    const entry = record.checkpoints.find((c) => c.epoch === epoch);
    if (!entry) continue;
    const step: AnalysisStep = { kind: 'full', epoch };
    hooks.onStep(step, 0, `full analysis of epoch ${epoch}`);
    const result = await analyzeCheckpoint(
      {
        checkpoint: join(folder, entry.file),
        ...(setup.fullOptions ? { options: setup.fullOptions } : {}),
        ...(setup.classifierSettings ? { classifierSettings: setup.classifierSettings } : {}),
      },
      { signal: hooks.signal, onProgress: (p) => hooks.onStep(step, p.fraction, p.message) },
    );
    analyses.push({ epoch, analysis: result.analysis });
    hooks.onStepDone(step, result.fromCache);
  }
  const metrics = await store.readMetrics(runId);
  return {
    record,
    trajectory: {
      runId,
      architectureName: record.config.architecture.name,
      objective: record.config.objective,
      points,
      dataDescription,
    },
    epochMetrics: metrics.records.filter((m): m is EpochMetric => m.type === 'epoch'),
    analyses,
  };
}

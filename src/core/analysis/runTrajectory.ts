import { join } from 'node:path';
import { DIGIT_CLASSES, unknownClasses, type ClassNames } from '../data/classNames';
import type { DataSpec } from '../data/dataset';
import { classNamesOf } from '../data/readClassNames';
import { describeError, InvertscopeError } from '../errors';
import { RunStore } from '../store/runStore';
import type { ReadyClassifier } from './analyzeNetwork';
import { analysisData, type AnalysisData } from './checkpointData';
import { classifierFolders, defaultClassifier, defaultClassifierWarning } from './defaultClassifier';
import type { LightProgress } from './lightAnalysis';
import {
  DEFAULT_CLASSIFIER,
  lightAnalyzeCheckpoint,
  readCachedPoint,
  resolveLightOptions,
  type LightCheckpointRequest,
} from './lightCheckpoint';
import type { Tick } from './progress';
import type { RunTrajectory, TrajectoryPoint } from './trajectoryTypes';
import { formatDuration } from '../../shared/formatNumber';

export interface RunTrajectoryRequest extends Omit<LightCheckpointRequest, 'checkpoint' | 'data'> {
  /** The runs folder and the run's id in it. */
  readonly runsFolder: string;
  readonly runId: string;
}

export interface TrajectoryProgress {
  /** 0-based position of the checkpoint being worked on, among `checkpointCount`. */
  readonly checkpointIndex: number;
  readonly checkpointCount: number;
  readonly epoch: number;
  /** Of the whole trajectory, 0..1: finished checkpoints plus the running one's share. */
  readonly fraction: number;
  /** Of this checkpoint's analysis, 0..1. */
  readonly pointFraction: number;
  /** One line for people, e.g. "epoch 10 (3 of 6): float64 inverse of the float32 embeddings". */
  readonly message: string;
}

/** One point as it arrives, with where it came from. */
export interface TrajectoryPointEvent {
  readonly point: TrajectoryPoint;
  readonly checkpointIndex: number;
  readonly checkpointCount: number;
  /** 'light' or 'full': read from a cache; null: computed now. */
  readonly fromCache: 'light' | 'full' | null;
}

export interface RunTrajectoryHooks {
  readonly onProgress?: (progress: TrajectoryProgress) => void;
  /** Called once per checkpoint, in epoch order, as soon as its point is known (cached ones first come at once). */
  readonly onPoint?: (event: TrajectoryPointEvent) => void;
  /** Aborting rejects with InvertscopeError('CANCELLED'); points finished before stay cached. */
  readonly signal?: AbortSignal;
}

export interface RunTrajectoryResult {
  readonly trajectory: RunTrajectory;
  /** Points read from caches (light points or full analyses) and computed now. */
  readonly cached: number;
  readonly computed: number;
  /** Seconds the points computed now took, together. */
  readonly computeSeconds: number;
  readonly warnings: readonly string[];
}

/**
 * The trajectory of a run: one light point per checkpoint, in epoch order,
 * each from its cache (or a cached full analysis) when there is one and
 * computed otherwise, so a rerun computes only the checkpoints added since.
 * The run's data and the classifier are loaded once, and only if a point has
 * to be computed. Each point is handed to `onPoint` as soon as it is known;
 * a cancelled run keeps every point finished before (each is cached as it
 * completes) and writes nothing for the one it stopped in.
 *
 * @example
 *   const { trajectory } = await runTrajectory({ runsFolder: 'runs', runId: '20261206-0604-base-04d4' },
 *     { onPoint: ({ point }) => draw(point), onProgress: (p) => console.error(p.message), signal });
 */
export async function runTrajectory(
  request: RunTrajectoryRequest,
  hooks: RunTrajectoryHooks = {},
): Promise<RunTrajectoryResult> {
  const store = new RunStore(request.runsFolder);
  const record = await store.readRun(request.runId);
  const folder = store.folderOf(request.runId);
  const options = resolveLightOptions(request.options);
  const entries = [...record.checkpoints].sort((a, b) => a.epoch - b.epoch);
  const count = entries.length;
  const check = () => {
    if (hooks.signal?.aborted) throw new InvertscopeError('CANCELLED', 'trajectory cancelled');
  };

  let data: Promise<AnalysisData> | null = null;
  const runData = () => (data ??= analysisData({ runsFolder: store.root, record }));
  const folders = classifierFolders({ runsFolder: store.root, record }, request.cacheFolder);
  let classifier: Promise<ReadyClassifier> | null = null;
  const identity = request.classifierIdentity ?? DEFAULT_CLASSIFIER;
  const sharedClassifier = (tick: Tick) =>
    (classifier ??= (request.classifier ?? ((t: Tick) => defaultClassifier(folders, identity.settings, t)))(tick));

  const classes = await runClasses(record.config.data);
  const points: TrajectoryPoint[] = [];
  const mismatch = request.classifier === undefined ? defaultClassifierWarning(classes) : null;
  const warnings: string[] = mismatch ? [mismatch] : [];
  let cached = 0;
  let computeSeconds = 0;
  for (const [index, entry] of entries.entries()) {
    check();
    const label = `epoch ${entry.epoch} (${index + 1} of ${count})`;
    const report = (pointFraction: number, message: string) =>
      hooks.onProgress?.({
        checkpointIndex: index,
        checkpointCount: count,
        epoch: entry.epoch,
        fraction: (index + pointFraction) / count,
        pointFraction,
        message: `${label}: ${message}`,
      });
    report(0, 'looking for a cached point');
    const file = join(folder, entry.file);
    const common = {
      ...request,
      checkpoint: file,
      options,
      classifierIdentity: identity,
      classifier: sharedClassifier,
    };
    // A cached point needs neither the data nor the classifier: look before loading them.
    const result =
      (request.reuseCache !== false ? await readCachedPoint(common) : null) ??
      (await lightAnalyzeCheckpoint(
        { ...common, reuseCache: false, data: await runData() },
        (p: LightProgress) => report(p.fraction, p.message),
        hooks.signal,
      ));
    if (result.fromCache) cached++;
    else computeSeconds += result.point.computeSeconds;
    warnings.push(...result.warnings.filter((w) => !warnings.includes(w)));
    points.push(result.point);
    report(
      1,
      result.fromCache
        ? `from the cached ${result.fromCache === 'full' ? 'full analysis' : 'point'}`
        : `computed in ${formatDuration(result.point.computeSeconds)}`,
    );
    hooks.onPoint?.({
      point: result.point,
      checkpointIndex: index,
      checkpointCount: count,
      fromCache: result.fromCache,
    });
  }
  const descriptions = [...new Set(points.map((p) => p.dataDescription ?? 'images not recorded'))];
  return {
    trajectory: {
      runId: record.id,
      architectureName: record.config.architecture.name,
      objective: record.config.objective,
      points,
      dataDescription: descriptions.length === 1 ? descriptions[0] : `per point: ${descriptions.join('; ')}`,
      classes,
    },
    cached,
    computed: points.length - cached,
    computeSeconds,
    warnings,
  };
}

/** The class names of a run's data; a folder that cannot be read now has unnamed classes (its points say which images they used). */
async function runClasses(spec: DataSpec | null | undefined): Promise<ClassNames> {
  if (!spec) return DIGIT_CLASSES;
  return classNamesOf(spec).catch((error: unknown) =>
    unknownClasses(10, `the run's data cannot be read now (${describeError(error)})`),
  );
}

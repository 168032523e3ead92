/**
 * What the extension needs from the rest of Invertscope, as narrow interfaces.
 * The extension only ever talks to these; `adapters/` binds them to the real
 * modules, and unit tests bind them to fakes. None of them may block the
 * extension host's event loop: heavy work happens in another process or thread.
 */
import type { PartialAnalysisListener } from '../core/analysis/partialAnalysis';
import type { TrajectoryPoint } from '../core/analysis/trajectoryTypes';
import type { CheckpointAnalysis } from '../core/analysis/types';
import type { PresetName } from '../core/model/architecture';
import type { CheckpointEntry, MetricRecord, RunRecord } from '../core/store/runTypes';
import type { TrainRequest } from '../backend/protocol';
import type { TrainingSession } from '../backend/session';

/** Where a read of metrics.jsonl stopped: after its last complete record. */
export interface MetricsCursor {
  readonly offset: number;
  readonly line: number;
}

export interface MetricsPage {
  readonly records: MetricRecord[];
  readonly next: MetricsCursor;
}

/** One runs folder: the runs the trainer and the CLI write, read and changed by the extension. */
export interface RunStorePort {
  readonly runsFolder: string;
  /** Every run, and the run folders whose run.json cannot be read. A missing runs folder lists nothing. */
  listRuns(): Promise<RunListing>;
  /** Rejects with an InvertscopeError 'NOT_FOUND' when the run does not exist. */
  readRun(runId: string): Promise<RunRecord>;
  /** The run's metrics.jsonl, in file order ([] when it has none). */
  readMetrics(runId: string): Promise<MetricRecord[]>;
  /**
   * The records appended after `from` (from the start when omitted) and where
   * to continue: a live view re-reads only what a training added, not a file
   * that grows by a line per step.
   */
  readMetricsSince(runId: string, from?: MetricsCursor): Promise<MetricsPage>;
  /** Absolute path of the run's folder. */
  runDir(runId: string): string;
  /** Absolute path of a checkpoint's safetensors file. */
  checkpointPath(runId: string, entry: CheckpointEntry): string;
  deleteRun(runId: string): Promise<void>;
  /** Creates a run from a PyTorch-layout safetensors file (tensors `${i}.weight`, `${i}.bias`). */
  importSafetensors(file: string, options: ImportOptions): Promise<RunRecord>;
  /** Marks runs whose training process died without a word; returns their ids. */
  reconcileStaleRuns(): Promise<string[]>;
}

export interface RunListing {
  readonly runs: readonly RunRecord[];
  readonly damaged: readonly DamagedRun[];
}

/** A run folder whose run.json is missing or invalid, with the reason in one line. */
export interface DamagedRun {
  readonly id: string;
  readonly folder: string;
  readonly message: string;
}

export interface ImportOptions {
  /** The preset the file's tensors belong to; undefined lets the store infer the layer pattern. */
  readonly preset?: PresetName;
}

/** Opens the run store of a folder (the runs folder can change with a setting). */
export type RunStoreFactory = (runsFolder: string) => RunStorePort;

/** Forks the training process; the session settles even when the process dies. */
export interface TrainerPort {
  start(request: TrainRequest): TrainingSession;
}

/** A checkpoint as the analysis engine needs it. */
export interface CheckpointTarget {
  readonly run: RunRecord;
  readonly entry: CheckpointEntry;
  /** Absolute path of the checkpoint file. */
  readonly file: string;
}

export interface AnalysisOptions {
  readonly noiseLevels: readonly number[];
  readonly testImages: number;
  readonly temperature: number;
}

/** `fraction` in 0..1, or null when the step has no measurable progress. */
export type AnalysisProgressListener = (message: string, fraction: number | null) => void;

/** Computes and caches CheckpointAnalysis off the extension host's thread. */
export interface AnalysisPort {
  /** The analysis cached next to the checkpoint, or null when there is none (or it is stale). */
  readCached(target: CheckpointTarget): Promise<CheckpointAnalysis | null>;
  /**
   * Computes (and caches) the analysis, telling `onPartial` what is known early
   * (spectra and κ first); rejects with an InvertscopeError 'CANCELLED' when `signal` aborts.
   */
  analyse(
    target: CheckpointTarget,
    options: AnalysisOptions,
    onProgress: AnalysisProgressListener,
    signal: AbortSignal,
    onPartial?: PartialAnalysisListener,
  ): Promise<CheckpointAnalysis>;
}

/**
 * Trajectory points: the light analysis of a checkpoint (per-layer κ, κ of the
 * Jacobian, the three round trips), cached next to it. What the Runs tree,
 * the dashboard and the inspector's timeline read to say when the inverse breaks.
 */
export interface TrajectoryPort {
  /**
   * The points cached next to the run's checkpoints that belong to the
   * checkpoint files recorded now; a checkpoint without one is absent. Reads
   * files only, never computes.
   */
  readCached(run: RunRecord, runDir: string): Promise<TrajectoryPoint[]>;
  /** Computes (and caches) one checkpoint's point; rejects with an InvertscopeError 'CANCELLED' when `signal` aborts. */
  compute(
    target: CheckpointTarget,
    onProgress: AnalysisProgressListener,
    signal: AbortSignal,
  ): Promise<TrajectoryPoint>;
}

export interface DownloadProgress {
  readonly file: string;
  readonly bytesDone: number;
  readonly totalBytes: number | undefined;
}

/** Fetches the official MNIST IDX archives into a folder, verified by hash. */
export interface DatasetPort {
  downloadMnist(
    folder: string,
    onProgress: (progress: DownloadProgress) => void,
    signal: AbortSignal,
  ): Promise<{ folder: string; files: readonly string[] }>;
}

/** Where the extension writes what it does; vscode.LogOutputChannel satisfies it. */
export interface LogSink {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

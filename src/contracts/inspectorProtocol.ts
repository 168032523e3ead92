/**
 * The one message contract between the extension host and the inspector webview.
 * Types only: both sides import it with `import type`, so nothing here runs and
 * nothing here may use DOM or Node types.
 *
 * Order of a session: the webview posts `ready` once its listeners are in place;
 * the host answers with `init`, then streams `metrics`, `run`, `analysisProgress`
 * and `analysis` messages as they happen, and `trajectory` ones once the webview
 * has asked with `watchTrajectory`. Values cross `postMessage` by
 * structured clone, so NaN and ±Infinity in analyses and metrics arrive intact.
 */
import type { PartialAnalysis } from '../core/analysis/partialAnalysis';
import type { TrajectoryPoint } from '../core/analysis/trajectoryTypes';
import type { CheckpointAnalysis } from '../core/analysis/types';
import type { MetricRecord, RunRecord, RunStatus } from '../core/store/runTypes';
import type { Objective } from '../core/train/config';
import type { ChartId, ExportFormat } from '../shared/charts';
import type { CheckpointRef } from '../shared/checkpointRef';

/** A run the inspector can offer for comparison, without its metrics. */
export interface RunSummary {
  readonly id: string;
  /** What people read in pickers, e.g. "base · seed loss · 2026-01-21". */
  readonly label: string;
  readonly objective: Objective;
  readonly architectureName: string;
  readonly status: RunStatus;
  /** Epochs that have a checkpoint, ascending. */
  readonly checkpointEpochs: readonly number[];
}

/** What the host writes into the page's meta tag before any message flows. */
export interface InspectorInitialState {
  readonly runId: string;
  /** Checkpoint to open, or null for the latest. */
  readonly epoch: number | null;
  /** Title shown while the run record is on its way. */
  readonly title: string;
  /** A second checkpoint to show beside the first (a compare panel), if any. */
  readonly compare?: CheckpointRef | null;
}

// ---------------------------------------------------------------- host → webview

export interface InitMessage {
  readonly type: 'init';
  readonly run: RunRecord;
  /** Every metric record written so far, in file order. */
  readonly metrics: readonly MetricRecord[];
  /** Runs offered for comparison (may include `run` itself). */
  readonly runs: readonly RunSummary[];
}

/** The run record changed (status, a new checkpoint, the end of training). */
export interface RunMessage {
  readonly type: 'run';
  readonly run: RunRecord;
  /** Present when the run is new to the webview (a comparison run): its metrics so far. */
  readonly metrics?: readonly MetricRecord[];
}

/** Records appended to a run's metrics.jsonl since the last message. */
export interface MetricsAppendedMessage {
  readonly type: 'metrics';
  readonly runId: string;
  readonly records: readonly MetricRecord[];
}

export interface AnalysisProgressMessage {
  readonly type: 'analysisProgress';
  readonly ref: CheckpointRef;
  /** What is being computed now, e.g. "singular values of layer 3 of 4". */
  readonly message: string;
  /** 0..1, or null when the step has no measurable progress. */
  readonly fraction: number | null;
}

/** What an analysis in progress already knows (the layers' spectra and κ first), shown until the whole analysis arrives. */
export interface AnalysisPartialMessage {
  readonly type: 'analysisPartial';
  readonly ref: CheckpointRef;
  readonly partial: PartialAnalysis;
}

export interface AnalysisMessage {
  readonly type: 'analysis';
  readonly ref: CheckpointRef;
  readonly analysis: CheckpointAnalysis;
}

export interface AnalysisErrorMessage {
  readonly type: 'analysisError';
  readonly ref: CheckpointRef;
  readonly message: string;
  /** An InvertscopeError code when there is one ('NUMERIC', 'CORRUPT', ...). */
  readonly code?: string;
}

/** A failure that concerns the whole panel (the run vanished, the store is unreadable). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
  readonly code?: string;
}

/** The host's answer to an `export`: where the file went, or why it did not. */
export interface ExportResultMessage {
  readonly type: 'exportResult';
  readonly requestId: string;
  readonly ok: boolean;
  /** The saved path, or the reason it failed (including "cancelled"). */
  readonly detail: string;
}

/** Bring a chart into view (a host command such as "Reconstruct" opened the panel for it). */
export interface RevealChartMessage {
  readonly type: 'revealChart';
  readonly chart: ChartId;
}

/**
 * Serialize a chart for a host command ("Export Figure"); the webview answers with
 * an `export` message carrying the same requestId. chart null: the chart most in view.
 */
export interface RequestExportMessage {
  readonly type: 'requestExport';
  readonly requestId: string;
  readonly chart: ChartId | null;
  readonly format: ExportFormat;
}

/**
 * A run's trajectory as far as it is known: every point cached or computed so
 * far (ascending by epoch), the checkpoints still missing one, and what is
 * being computed now. Sent again whenever a point arrives or the run gains a
 * checkpoint.
 */
export interface TrajectoryMessage {
  readonly type: 'trajectory';
  readonly runId: string;
  readonly points: readonly TrajectoryPoint[];
  /** Epochs with a checkpoint but no point yet. */
  readonly missing: readonly number[];
  /** The point being computed, or null when nothing is (all there, or a failure said in `problem`). */
  readonly computing: { readonly epoch: number; readonly message: string; readonly fraction: number | null } | null;
  /** Why a point could not be computed, if one could not. */
  readonly problem: string | null;
}

export type HostMessage =
  | InitMessage
  | TrajectoryMessage
  | RunMessage
  | MetricsAppendedMessage
  | AnalysisProgressMessage
  | AnalysisPartialMessage
  | AnalysisMessage
  | AnalysisErrorMessage
  | ErrorMessage
  | ExportResultMessage
  | RevealChartMessage
  | RequestExportMessage;

// ---------------------------------------------------------------- webview → host

export interface ReadyMessage {
  readonly type: 'ready';
}

/** The person picked a checkpoint; the host answers with progress and an analysis. */
export interface SelectCheckpointMessage {
  readonly type: 'selectCheckpoint';
  readonly ref: CheckpointRef;
}

/**
 * Show `ref` next to the current checkpoint. For another run the host first sends
 * a `run` message with its metrics, then the analysis as for `selectCheckpoint`.
 */
export interface RequestCompareMessage {
  readonly type: 'requestCompare';
  readonly ref: CheckpointRef;
}

/** A chart serialized by a webview (the inspector's or the dashboard's); the host only asks where to save it. */
export interface ChartExportMessage<Id extends string> {
  readonly type: 'export';
  readonly requestId: string;
  readonly chart: Id;
  readonly format: ExportFormat;
  /** SVG and CSV as text; PNG as base64 without a data: prefix. */
  readonly content: string;
  readonly encoding: 'utf8' | 'base64';
  /** A file name to propose, e.g. "run-3-epoch-50-condition.svg". */
  readonly suggestedName: string;
}

export type ExportMessage = ChartExportMessage<ChartId>;

/** Compute the analysis again after an `analysisError`. */
export interface RetryMessage {
  readonly type: 'retry';
  readonly ref: CheckpointRef;
}

/** Send this run's trajectory, and compute the points it lacks in the background (the timeline card). */
export interface WatchTrajectoryMessage {
  readonly type: 'watchTrajectory';
  readonly runId: string;
}

/** Reveal the extension's log (offered next to error messages). */
export interface OpenLogMessage {
  readonly type: 'openLog';
}

export type WebviewMessage =
  | ReadyMessage
  | SelectCheckpointMessage
  | RequestCompareMessage
  | ExportMessage
  | RetryMessage
  | WatchTrajectoryMessage
  | OpenLogMessage;

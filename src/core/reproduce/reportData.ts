import type { RunTrajectory } from '../analysis/trajectoryTypes';
import type { CheckpointAnalysis } from '../analysis/types';
import type { EpochMetric } from '../store/runTypes';

/**
 * What a report shows, as one JSON document: findings.json in the report
 * folder, and (with the image pixels the grids draw) the data inside its
 * index.html. Plain JSON written with encodeJson, so NaN and ±Infinity
 * survive as the strings "NaN", "Infinity" and "-Infinity".
 */
export const REPORT_KIND = 'invertscope-report';
export const REPORT_FORMAT_VERSION = 1;

/** The id of the <script type="application/json"> element of index.html that holds the page's data. */
export const REPORT_DATA_ID = 'report-data';

/** Whether the measurements agree with what the paper says. */
export type Verdict = 'confirms' | 'contradicts' | 'qualifies';

/** One statement of the paper (or one definition the reader needs), checked against the measurements. */
export interface Finding {
  readonly id: string;
  /** What the paper says (or what is being defined), in a few words. */
  readonly claim: string;
  readonly verdict: Verdict | 'defines';
  /** What the measurements show, with the numbers, for people. */
  readonly text: string;
}

/**
 * A table as rows of text (summaryTable.ts formats them), so the page, the
 * terminal and the README print the same figures the same way.
 */
export interface TextTable {
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One full analysis the report draws (spectra, grids, distributions), with the epoch it belongs to. */
export interface ReportAnalysis {
  readonly epoch: number;
  readonly analysis: CheckpointAnalysis;
}

export interface ReportModel {
  /** The recipe name for reproduce ('base', 'flow11', …), else the run id. */
  readonly key: string;
  readonly label: string;
  readonly runId: string;
  /** e.g. "4 × Linear 784→784 + LeakyReLU(0.01)". */
  readonly architecture: string;
  readonly objective: 'seed' | 'flow';
  readonly epochs: number;
  readonly trainSeconds: number;
  readonly backend: string | null;
  /** Said wherever this model's numbers are shown, e.g. that its test images may include its training images. */
  readonly dataWarning: string | null;
  readonly trajectory: RunTrajectory;
  /** One row per analysed checkpoint (modelTable). */
  readonly table: TextTable;
  /** Train and test loss per epoch (the paper's Figures 1–4). */
  readonly epochMetrics: readonly EpochMetric[];
  readonly analyses: readonly ReportAnalysis[];
}

export interface ReportTiming {
  /** Seconds from the start to the report: training and analyses (writing the report and its figures comes after). */
  readonly wallSeconds: number;
  /** os.loadavg() when the schedule finished: 1, 5 and 15 minutes. */
  readonly loadAverage: readonly [number, number, number];
  readonly cpus: number;
  readonly cpuModel: string;
  /** What this invocation took from earlier ones instead of computing it; the wall time covers only the rest. */
  readonly reused: { readonly runs: number; readonly analyses: number };
}

/**
 * The timing of a reproduction as one sentence for people (the page, the
 * terminal and the README say it the same way).
 *
 * @example
 *   timingSentence(timing);  // "Training and analyses took 8 min 38 s on 2 × AMD EPYC 7B13 (load average 1.2, 1.5, 1.4 at the end)."
 */
export function timingSentence(t: ReportTiming): string {
  const s = Math.round(t.wallSeconds);
  const took = s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const load = t.loadAverage.map((l) => l.toFixed(1)).join(', ');
  const reused =
    t.reused.runs + t.reused.analyses > 0
      ? `; it reused ${t.reused.runs} finished run${t.reused.runs === 1 ? '' : 's'} and ${t.reused.analyses} cached analys${t.reused.analyses === 1 ? 'is' : 'es'} of an earlier invocation, so this time covers only the rest`
      : '';
  return `Training and analyses took ${took} on ${t.cpus} × ${t.cpuModel} (load average ${load} at the end)${reused}.`;
}

export interface ReportData {
  readonly kind: typeof REPORT_KIND;
  readonly formatVersion: number;
  readonly title: string;
  readonly generatedAt: string;
  readonly invertscopeVersion: string;
  /** 'default' or 'paper' for `invertscope reproduce`; 'runs' for `invertscope report <run>…`. */
  readonly schedule: 'default' | 'paper' | 'runs';
  /** The digit classifier's accuracy on real test digits (what generation scores are read against). */
  readonly classifierTestAccuracy: number | null;
  readonly models: readonly ReportModel[];
  /** The first trained and the last checkpoint of every model (findingsTable). */
  readonly findingsTable: TextTable;
  readonly findings: readonly Finding[];
  readonly timing: ReportTiming | null;
}

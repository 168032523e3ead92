import type {
  AnalysisOptions,
  AnalysisStage,
  CheckpointAnalysis,
  ClassifierSettings,
  LightAnalysisOptions,
  PartialAnalysis,
} from '../core/analysis';
import type { TrajectoryPoint } from '../core/analysis/trajectoryTypes';
import type { FailureInfo } from './protocol';

/**
 * The message protocol between a caller (the VS Code extension) and the
 * analysis process it forks. One process serves requests one at a time, each
 * named by the caller's `id`; every request gets exactly one terminal message
 * (done or failed) unless the process dies, and the client settles those
 * itself. Before 'done', 'partial' messages carry what is already known
 * (spectra and κ first), for views that show it at once. Messages use Node's 'advanced' serialization (structured clone), so
 * NaN and ±Infinity in analyses arrive intact.
 */
export interface AnalysisRequest {
  /** Absolute path of the checkpoint (.safetensors). */
  readonly checkpoint: string;
  readonly options?: Partial<AnalysisOptions>;
  /** Where the digit classifier is cached; default: beside the runs, or ~/.cache/invertscope. */
  readonly cacheFolder?: string;
  /** Reuse a valid cached analysis (default true). */
  readonly reuseCache?: boolean;
  readonly classifierSettings?: Partial<ClassifierSettings>;
}

/** A light analysis: the trajectory point of one checkpoint (lightAnalyzeCheckpoint), computed and cached beside it. */
export interface LightRequest {
  /** Absolute path of the checkpoint (.safetensors). */
  readonly checkpoint: string;
  /** Overrides of the light analysis's defaults (what the timeline and the CLI's timeline use). */
  readonly options?: Partial<LightAnalysisOptions>;
  /** Reuse a valid cached point (default true). */
  readonly reuseCache?: boolean;
  /** Where the digit classifier is cached; default as for an analysis. */
  readonly cacheFolder?: string;
}

export type ToAnalyzer =
  | { readonly type: 'start'; readonly id: number; readonly request: AnalysisRequest }
  | { readonly type: 'startLight'; readonly id: number; readonly request: LightRequest }
  | { readonly type: 'cancel'; readonly id: number };

export interface LightDone {
  readonly point: TrajectoryPoint;
  /** 'light' or 'full': read from a cache; null: computed now. */
  readonly fromCache: 'light' | 'full' | null;
  readonly warnings: readonly string[];
}

export interface AnalysisDone {
  readonly analysis: CheckpointAnalysis;
  readonly fromCache: boolean;
  readonly cacheFile: string | null;
  readonly warnings: readonly string[];
}

export type FromAnalyzer =
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly stage: AnalysisStage;
      readonly fraction: number;
      readonly stageFraction: number;
      readonly message: string;
    }
  | { readonly type: 'partial'; readonly id: number; readonly partial: PartialAnalysis }
  | ({ readonly type: 'done'; readonly id: number } & AnalysisDone)
  | { readonly type: 'lightProgress'; readonly id: number; readonly fraction: number; readonly message: string }
  | ({ readonly type: 'lightDone'; readonly id: number } & LightDone)
  | { readonly type: 'failed'; readonly id: number; readonly error: FailureInfo };

export function isFromAnalyzer(value: unknown): value is FromAnalyzer {
  if (typeof value !== 'object' || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return (
    (type === 'progress' ||
      type === 'partial' ||
      type === 'done' ||
      type === 'lightProgress' ||
      type === 'lightDone' ||
      type === 'failed') &&
    typeof id === 'number'
  );
}

export function isToAnalyzer(value: unknown): value is ToAnalyzer {
  if (typeof value !== 'object' || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return (type === 'start' || type === 'startLight' || type === 'cancel') && typeof id === 'number';
}

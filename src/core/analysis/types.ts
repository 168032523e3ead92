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

export type Precision = 'float32' | 'float64';

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
}

export interface JacobianReport {
  /** Condition number of the end-to-end Jacobian at `pointDescription`. */
  readonly cond: number;
  readonly sigmaMax: number;
  readonly sigmaMin: number;
  readonly pointDescription: string;
  /** Median over test images of ‖f(f⁻¹(z)) − z‖ / ‖z‖, per precision. */
  readonly backwardError: Record<Precision, number>;
  /** 'invertible' | 'float32-insufficient' | 'non-invertible-float64' with the reason in `verdictText`. */
  readonly verdict: 'invertible' | 'float32-insufficient' | 'non-invertible-float64';
  readonly verdictText: string;
}

export interface ErrorStats {
  readonly meanAbsError: number;
  readonly maxAbsError: number;
  /** Mean PSNR in dB over images (pixel range 1); Infinity for exact reconstructions is capped at 200. */
  readonly psnr: number;
  /** Fraction of images whose mean absolute error exceeds `brokenThreshold`. */
  readonly brokenFraction: number;
}

export interface ReconstructionReport {
  readonly imageCount: number;
  readonly brokenThreshold: number;
  readonly overall: Record<Precision, ErrorStats>;
  readonly perClass: Array<{ readonly label: number; readonly count: number } & Record<Precision, ErrorStats>>;
  /** A few test images for the grid: original | embedding | float32 | float64 reconstruction. */
  readonly examples: Array<{
    readonly label: number;
    readonly original: ImageData28;
    readonly embedding: ImageData28;
    readonly float32: ImageData28;
    readonly float64: ImageData28;
  }>;
}

export interface AmplificationPoint {
  /** Standard deviation of the Gaussian noise added to the embedding. */
  readonly delta: number;
  /**
   * RMS error norm of the recovered quantity after each inverse operation, in the
   * order they are applied (last layer first). `stages[i]` names each operation.
   */
  readonly errorAfterStage: number[];
  /** errorAfterStage[i] / error before stage i (the first is relative to the injected noise). */
  readonly growthPerStage: number[];
  /** Mean PSNR (dB) of the noisy reconstructions against the originals. */
  readonly psnr: number;
  /** Accuracy of the digit classifier on the noisy reconstructions. */
  readonly classifierAccuracy: number;
}

export interface AmplificationReport {
  readonly precision: Precision;
  readonly stages: string[];
  /** Worst-case growth per stage: 1/σmin for a linear inverse, 1/slope for an inverse LeakyReLU. */
  readonly boundPerStage: number[];
  /** ∏ of boundPerStage. */
  readonly totalBound: number;
  readonly points: AmplificationPoint[];
  /** Largest δ tested at which reconstructions stay recognizable (PSNR ≥ 20 dB and the classifier still reads the digit), or null if none. */
  readonly recognizableUpTo: number | null;
  /** Growth along the worst direction (right singular vector of the last layer's σmin) for the smallest δ. */
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
  /** 'target': z ~ N(2a, T²); 'empirical': z ~ N(class mean, class covariance) of training embeddings. */
  readonly source: 'target' | 'empirical';
  readonly precision: Precision;
  readonly temperature: number;
  readonly perClass: Array<{
    readonly label: number;
    readonly images: ImageData28[];
    /** Share of images the digit classifier reads as `label`. */
    readonly accuracy: number;
    /** Median Euclidean distance from each image to its nearest real training digit. */
    readonly medianNearestDistance: number;
  }>;
  readonly accuracy: number;
}

export interface GenerationReport {
  readonly classifierTestAccuracy: number;
  readonly sets: GeneratedSet[];
}

export interface CheckpointAnalysis {
  readonly formatVersion: number;
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
}

/** One line of metrics.jsonl. */
export type MetricRecord = StepMetric | EpochMetric;

export interface StepMetric {
  readonly type: 'step';
  readonly epoch: number; // 1-based epoch this step belongs to
  readonly step: number; // global step, 1-based
  readonly loss: number;
  /** The two parts of the loss: seed = [nll, variance penalty]; flow = [latent nll, -log|det J|]. */
  readonly parts: readonly [number, number];
  readonly samplesPerSecond: number;
  readonly wallSeconds: number; // since the run (or resume) started
}

export interface EpochMetric {
  readonly type: 'epoch';
  /** Epochs completed; 0 is the initialized model, evaluated before any step (samplesPerSecond is then NaN). */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainParts: readonly [number, number];
  readonly testLoss: number;
  readonly testParts: readonly [number, number];
  /**
   * Flow objective on dequantized pixels only: the test loss in bits per pixel,
   * bitsPerDim(testLoss) (every Jacobian term counted; 8 = the uniform density).
   */
  readonly testBitsPerDim?: number;
  readonly samplesPerSecond: number;
  readonly wallSeconds: number;
}

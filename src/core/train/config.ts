import type { Architecture } from '../model/architecture';
import type { DataSpec } from '../data/dataset';
import type { FlowPriorKind } from './flow/flowPrior';

/** How a full-covariance class prior is fitted: to `draws` dequantization draws, shrunk by `shrinkage` toward its diagonal. */
export interface FullPriorOptions {
  readonly draws: number;
  readonly shrinkage: number;
}

/** What the network is trained to do. 'seed' is the paper's loss; 'flow' is exact maximum likelihood. */
export type Objective = 'seed' | 'flow';

/** Which compute path runs training. 'auto' picks the fastest that loads. */
export type BackendRequest = 'auto' | 'tensorflow' | 'simd' | 'wasm' | 'cpu';

/**
 * How a flow starts: 'default' is PyTorch's nn.Linear init factored into LU
 * layers; 'analytic' is initializeFlow's closed-form start (kink layers for
 * the background piles, whitening, class placement) on the training split;
 * 'gaussianize' is gaussianizeFlow's (learned prior only): pixel kinks fitted
 * by coordinate descent to smoothed histograms, a whitening with the
 * noise-averaged covariance, a second round of kinks on the whitened values.
 * Its flows keep every layer but the whitening diagonal while training, and
 * do not train the pixel kinks (see flowLayerTraining).
 */
export type FlowInit = 'default' | 'analytic' | 'gaussianize';
export const FLOW_INITS: readonly FlowInit[] = ['default', 'analytic', 'gaussianize'];

/** Everything the flow objective needs beyond the shared fields; see docs/run-store.md. */
export interface FlowTrainingOptions {
  /** 'paper': the fixed target N(2a·1, I); 'class': N(μ_a, diag σ_a²) learned per class. */
  readonly prior: FlowPriorKind;
  readonly init: FlowInit;
  /** Analytic init: diagonal kink layers at the start (each needs a LeakyReLU after it). */
  readonly kinkLayers: number;
  /** Analytic init: added to the residual covariance's diagonal before whitening. */
  readonly ridge: number;
  /** Adam steps of the linear learning-rate warm-up (0: none). */
  readonly warmupSteps: number;
  /** Cosine decay of the learning rate to 0 at the last step of `epochs`. */
  readonly cosineDecay: boolean;
  /** Width τ of the sigmoid whose gradient stands in for the LeakyReLU count's (0: the exact per-sample gradient). */
  readonly boundarySurrogate: number;
  /**
   * 'gaussianize' init only: low-rank directions of the class prior, N(μ_a, diag σ_a² + F_aᵀF_a)
   * with F_a of `priorRank` rows, fitted in closed form and trained (absent or 0: diagonal).
   */
  readonly priorRank?: number;
  /**
   * 'gaussianize' init only: a full covariance per class instead, fitted in closed form to
   * `draws` dequantization draws of the training digits and shrunk by `shrinkage` toward its
   * diagonal (N(μ_a, (1 − λ)S_a + λ diag S_a)); μ_a and σ_a train, the correlations stay.
   */
  readonly fullPrior?: FullPriorOptions;
  /** 'gaussianize' init only: pseudo-count per pixel level of the pixel kinks' histograms (absent: 1). */
  readonly pixelPseudoCount?: number;
  /** 'gaussianize' init only: train the layers after the whitening as full LU layers (they start diagonal); absent: false. */
  readonly denseAfterWhitening?: boolean;
}

export interface TrainConfig {
  readonly architecture: Architecture;
  readonly objective: Objective;
  /** 0 is allowed for the flow objective: the initialized model is the result (checkpoint epoch 0). */
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Epochs after which a checkpoint is written (the final epoch always gets one; 0: the initialized model). */
  readonly checkpointEpochs: readonly number[];
  readonly data: DataSpec;
  readonly backend: BackendRequest;
  /** Flow objective only: train and evaluate on x' = (k + u)/256, u ~ U(0, 1) (uniform dequantization). */
  readonly dequantize: boolean;
  /**
   * Flow objective only (absent for 'seed'). Optional in the type so callers that
   * build 'seed' configurations need not name it; validateTrainConfig fills it in.
   */
  readonly flow?: FlowTrainingOptions;
}

export const DEFAULT_TRAIN = {
  epochs: 2,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 0,
  checkpointEpochs: [10, 50, 100, 500],
} as const;

/**
 * The flow settings a new configuration gets for what it does not say: the
 * recommendation of research/flow/README.md for the paper's Base shape and
 * target (analytic init with ridge 0.1, warm-up 200, cosine decay, τ = 0.1).
 * kinkLayers depends on the architecture (defaultKinkLayers).
 */
export const DEFAULT_FLOW_TRAINING: Omit<FlowTrainingOptions, 'kinkLayers'> = {
  prior: 'paper',
  init: 'analytic',
  ridge: 0.1,
  warmupSteps: 200,
  cosineDecay: true,
  boundarySurrogate: 0.1,
};

/**
 * What a flow run recorded before run.json had a `flow` field was trained
 * with: PyTorch's init factored into LU layers, the paper's prior, warm-up
 * 200, no decay, τ = 0.1. The run store reads an absent field as this, so an
 * old record still says what produced its numbers.
 */
export const LEGACY_FLOW_TRAINING: FlowTrainingOptions = {
  prior: 'paper',
  init: 'default',
  kinkLayers: 0,
  ridge: 0.1,
  warmupSteps: 200,
  cosineDecay: false,
  boundarySurrogate: 0.1,
};

/**
 * Kink layers the analytic init uses by default: the leading layers that have
 * a LeakyReLU, but never the last layer (it places the classes).
 */
export function defaultKinkLayers(arch: Architecture): number {
  let k = 0;
  while (k < arch.layers.length - 1 && arch.layers[k].activation) k++;
  return k;
}

/** Names of the two parts every loss reports (MetricRecord.parts), for tables and charts. */
export function lossPartNames(objective: Objective): readonly [string, string] {
  return objective === 'seed' ? ['nll', 'var penalty'] : ['latent nll', '-log|det J|'];
}

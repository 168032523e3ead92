import type { Architecture } from '../model/architecture';
import type { DataSpec } from '../data/dataset';

/** What the network is trained to do. 'seed' is the paper's loss; 'flow' is exact maximum likelihood. */
export type Objective = 'seed' | 'flow';

/** Which compute path runs training. 'auto' picks the fastest that loads. */
export type BackendRequest = 'auto' | 'tensorflow' | 'simd' | 'wasm' | 'cpu';

export interface TrainConfig {
  readonly architecture: Architecture;
  readonly objective: Objective;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Epochs after which a checkpoint is written (the final epoch always gets one). */
  readonly checkpointEpochs: readonly number[];
  readonly data: DataSpec;
  readonly backend: BackendRequest;
  /** Flow objective only: add U(0, 1/256) noise to pixels (uniform dequantization). */
  readonly dequantize: boolean;
}

export const DEFAULT_TRAIN = {
  epochs: 2,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 0,
  checkpointEpochs: [10, 50, 100, 500],
} as const;

/** Names of the two parts every loss reports (MetricRecord.parts), for tables and charts. */
export function lossPartNames(objective: Objective): readonly [string, string] {
  return objective === 'seed' ? ['nll', 'var penalty'] : ['latent nll', '-log|det J|'];
}

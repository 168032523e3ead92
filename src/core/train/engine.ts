import type { Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';
import type { Objective } from './config';

/**
 * The numerical heart of training, with one implementation per compute path
 * (tfjs on tfjs-node / wasm / cpu, and Invertscope's own WebAssembly SIMD
 * kernels). The training loop around it (data order, epochs, checkpoints,
 * metrics) is shared, so every path trains the same model on the same batches.
 */
export interface EngineOptions {
  readonly architecture: Architecture;
  readonly objective: Objective;
  readonly learningRate: number;
  /** The largest batch that will be passed to trainStep/evaluate (buffers are sized for it). */
  readonly maxBatchSize: number;
  readonly initialParams: ModelParams;
  readonly initialOptimizerState?: OptimizerState;
}

/** Adam's state, in the same order and layout as ModelParams (weights then biases, per layer). */
export interface OptimizerState {
  readonly step: number;
  readonly firstMoment: ModelParams;
  readonly secondMoment: ModelParams;
}

/** Which compute path an engine runs on, as run.json records it. */
export interface BackendInfo {
  /** The path that ran: 'tensorflow' (tfjs-node), 'simd' (Invertscope's WebAssembly kernels), 'wasm' or 'cpu' (tfjs). */
  readonly name: 'tensorflow' | 'simd' | 'wasm' | 'cpu';
  /** One line for people, e.g. "Invertscope WebAssembly SIMD, 2 threads". */
  readonly description: string;
  readonly threads: number;
}

export interface BatchLoss {
  /** Mean loss over the batch. */
  readonly loss: number;
  /** Mean of the loss's two parts (see MetricRecord.parts). */
  readonly parts: readonly [number, number];
}

/** Adam's hyper-parameters (PyTorch's defaults; tfjs's epsilon default differs, so it is set explicitly). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export interface TrainingEngine {
  readonly backend: BackendInfo;
  /**
   * One Adam step on `count` images (row-major, count × 784, values in [0, 1]) with
   * their labels; returns the batch's loss before the update.
   */
  trainStep(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss>;
  /** The loss of a batch without changing anything. */
  evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss>;
  /** A copy of the current parameters. */
  getParams(): Promise<ModelParams>;
  getOptimizerState(): Promise<OptimizerState>;
  dispose(): void;
}

import type { TrainingEngine } from '../engine';
import type { FlowPrior, FlowPriorKind } from './flowPrior';
import type { LuLayer } from './luLayer';

/**
 * What an engine needs beyond EngineOptions to train the 'flow' objective.
 * Passed as `flow` next to EngineOptions (createTfjsEngine({ ...options, flow })).
 */
export interface FlowEngineOptions {
  readonly prior: FlowPriorKind;
  /** Labels range over 0..classes−1 (the learned prior has a row per class). */
  readonly classes?: number;
  /**
   * The LU layers to start from (initializeFlow's, or a checkpoint's for an
   * exact resume). Absent: EngineOptions.initialParams' dense weights are
   * factorized (luFromDense), which reproduces W only up to float32 rounding.
   * The biases always come from EngineOptions.initialParams.
   */
  readonly initialLayers?: readonly LuLayer[];
  /** A learned prior's start; absent: μ_a = 2a·1, σ = 1. Ignored for the paper prior. */
  readonly initialPrior?: FlowPrior;
  /** Adam's moments of a learned prior, for an exact resume (with EngineOptions.initialOptimizerState). */
  readonly initialPriorMoments?: PriorMoments;
  /** Train and evaluate on x' = (k + u)/256 (uniform dequantization); see dequantize.ts. */
  readonly dequantize: boolean;
  /** Seeds the dequantization noise (with the step number, so a resume draws the same noise). */
  readonly seed: number;
  /**
   * Temperature τ of the surrogate for the LeakyReLU log-determinant's gradient
   * (0: the exact per-sample gradient, which is zero). The term
   * −ln α·#(negative pre-activations) keeps its exact value; its gradient is
   * taken from −ln α·Σ sigmoid(−a/τ). Why: the count is piecewise constant in
   * the parameters, so the per-sample gradient misses the expected loss's
   * boundary term (data crossing a kink changes the log-determinant by ln α),
   * and training follows the latent term alone, dragging data out of the
   * high-density side of the kinks. The sigmoid's derivative is a kernel
   * estimate, of width τ in pre-activation units, of that boundary term.
   */
  readonly boundarySurrogate: number;
  /**
   * Adam steps over which the learning rate rises linearly to its value
   * (step t uses lr·min(1, t/warmupSteps); 0: none; absent: 200). Without it the first
   * full-size steps, taken before Adam's moment estimates mean anything, move
   * all n² factors of a layer at once and throw the initialization away
   * (measured: 14 → 100+ bits/dim in one epoch).
   */
  readonly warmupSteps?: number;
  /**
   * Total Adam steps of the run, for a cosine decay of the learning rate to 0
   * at that step (step t is multiplied by ½(1 + cos(π·min(t − 1, T)/T)) on top of
   * the warm-up); absent: constant after the warm-up. Measured on the Base
   * shape with the paper's prior over 15 epochs: 7.2–7.3 bits/dim with the
   * decay, 8.2 at the end (7.9 at best) without.
   */
  readonly cosineSteps?: number;
  /**
   * Layers (0-based) whose W is diagonal and stays so: the engine applies them
   * elementwise (h·diag(sign·exp(s)) + b, O(n) per row instead of O(n²)) and
   * trains only s and the bias. Their LU layer must have P = I and nothing off
   * the diagonal. Checkpoints hold them as any layer (dense W, packed factors,
   * Adam moments in the packed layout with zeros off the diagonal).
   */
  readonly diagonalLayers?: readonly number[];
  /** Layers (0-based) whose factors and bias are not trained (their Adam moments stay as given). */
  readonly frozenLayers?: readonly number[];
}

export const DEFAULT_FLOW_ENGINE_OPTIONS: FlowEngineOptions = {
  prior: 'paper',
  classes: 10,
  dequantize: true,
  seed: 0,
  boundarySurrogate: 0.1,
  warmupSteps: 200,
};

/** Adam's two moments of a learned prior's parameters, in the prior's layout. */
export interface PriorMoments {
  readonly first: PriorMoment;
  readonly second: PriorMoment;
}

/** One Adam moment of a learned prior; `factors` for a low-rank prior (classes × rank × n). */
export interface PriorMoment {
  readonly mean: Float32Array;
  readonly logStd: Float32Array;
  readonly factors?: Float32Array;
}

/** Everything a flow checkpoint needs beyond the dense parameters and Adam's state. */
export interface FlowState {
  readonly layers: LuLayer[];
  readonly biases: Float32Array[];
  readonly prior: FlowPrior;
  /** Present for a learned prior. */
  readonly priorMoments?: PriorMoments;
}

/**
 * What a flow checkpoint holds beyond the dense parameters: each layer's LU
 * factors (the trained numbers themselves; the checkpoint's W = P·L·U is
 * their float32 product), the prior, and Adam's moments of a learned prior.
 */
export type CheckpointFlow = Pick<FlowState, 'layers' | 'prior' | 'priorMoments'>;

/**
 * A TrainingEngine for the flow objective. getParams() returns the assembled
 * W = P·L·U per layer (PyTorch layout), like every engine. getOptimizerState()
 * returns Adam's moments of each layer's packed factors in the packed layout
 * (weights[l] is n×n like W, but entry (i, j) is the moment of packed[i, j],
 * not of W[i, j]) and of the biases. getFlowState() adds the factors and the
 * prior, which an exact resume needs.
 */
export interface FlowTrainingEngine extends TrainingEngine {
  getFlowState(): Promise<FlowState>;
}

export function isFlowTrainingEngine(engine: TrainingEngine): engine is FlowTrainingEngine {
  return typeof (engine as Partial<FlowTrainingEngine>).getFlowState === 'function';
}

import type { TrainConfig } from '../train/config';
import { flowLayerTraining } from '../train/flow/flowLayerTraining';
import type { RecipeName } from '../train/recipes';
import type { PlannedRun } from './plan';

/**
 * Seconds each part of a reproduction takes on the reference machine (a quiet
 * 2-core AMD EPYC VM, Node 20): the basis of the time-left forecast before
 * this machine's own pace is known (WorkTracker rescales them as work is
 * timed). Training rates are README "Performance" (simd, batch 64) and, for
 * flows on the SIMD engine, tfjs-wasm's rate (research/flow/README.md) times
 * the 5.2–6.4× measured between the two; analysis times are measured below.
 */
const TRAIN_SAMPLES_PER_SECOND: Record<RecipeName, number> = {
  base: 4_300,
  small: 22_000,
  noact: 4_200,
  'base-flow': 2_000,
  flow11: 800,
  // tfjs-wasm (its diagonal and frozen layers run there): 340–800 samples/s measured on the shared machine.
  flowgen: 450,
};

/**
 * A flow's closed-form initialization (research/flow: 5 s for 4 layers, 10 s for 11; flowgen's
 * Gaussianization with its full-covariance prior fitted to 27 dequantization draws: 71 s).
 */
const FLOW_INIT_SECONDS: Partial<Record<RecipeName, number>> = { 'base-flow': 5, flow11: 10, flowgen: 71 };

/** Evaluating a split runs the forward pass only: about three times the training rate. */
const EVALUATION_SPEEDUP = 3;

/** Seconds to train `run` from `completedEpochs` to its planned epochs, evaluating the test split after each. */
export function trainingEstimate(
  run: PlannedRun,
  completedEpochs: number,
  trainCount: number,
  testCount: number,
): number {
  const rate = TRAIN_SAMPLES_PER_SECOND[run.recipe];
  const epochs = Math.max(0, run.config.epochs - completedEpochs);
  const perEpoch = trainCount / rate + testCount / (rate * EVALUATION_SPEEDUP);
  const fresh = completedEpochs === 0;
  const initialEvaluation =
    fresh && run.config.checkpointEpochs.includes(0) ? (trainCount + testCount) / (rate * EVALUATION_SPEEDUP) : 0;
  return (
    epochs * perEpoch +
    (fresh ? (FLOW_INIT_SECONDS[run.recipe] ?? 0) + initialEvaluation : 0) +
    (epochs > 0 || fresh ? 2 : 0)
  );
}

/**
 * How many of a run's layers the analysis takes as dense and as diagonal: a
 * gaussianized flow keeps all but its whitening layer diagonal
 * (flowLayerTraining), and a diagonal layer costs O(n) per row, not a product.
 */
export function analysedLayers(config: TrainConfig): { dense: number; diagonal: number } {
  const { flow, architecture } = config;
  const diagonal = flow
    ? flowLayerTraining(architecture, flow.init, flow.kinkLayers, flow.denseAfterWhitening ?? false).diagonalLayers
        .length
    : 0;
  return { dense: architecture.layers.length - diagonal, diagonal };
}

/*
 * The analyses' seconds are fitted to one process analysing seed-initialized
 * Small, Base and NoActivations checkpoints and a flowgen checkpoint of epoch
 * 10 on the reference machine (the least of two rounds each, commit a931c4b):
 * light 0.46, 1.02, 1.02 and 2.26 s; full 1.41, 3.00, 2.78 and 3.37 s.
 */

/** A light analysis of one checkpoint: its layers' spectra and LU factors, κ of the Jacobian, the round trips, noise, a generation score. */
export function lightAnalysisEstimate(config: TrainConfig): number {
  const { dense, diagonal } = analysedLayers(config);
  return 0.3 + 0.2 * dense + 0.075 * diagonal;
}

/** A full analysis: spectra, the round trips, the Jacobian, noise at 11 δ, distributions, generation, the cache file. */
export function fullAnalysisEstimate(config: TrainConfig): number {
  const { dense, diagonal } = analysedLayers(config);
  return 0.9 + 0.5 * dense + 0.08 * diagonal;
}

/** Training the digit classifier the generation scores use (once per runs folder; it is cached). */
export const CLASSIFIER_ESTIMATE = 15;

/** Writing index.html and findings.json, and rendering the figures in a headless browser. */
export const REPORT_ESTIMATE = 20;

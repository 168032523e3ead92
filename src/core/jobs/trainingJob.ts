import { InvertscopeError, isInvertscopeError } from '../errors';
import { loadData } from '../data/loadData';
import { removeEmptyFolders } from '../files/makeFolder';
import type { SplitData } from '../data/dataset';
import { initParams, type ModelParams } from '../model/params';
import { createRng } from '../random/rng';
import { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/runTypes';
import { currentProcessInfo } from '../store/processLiveness';
import { requireRunFolder } from '../store/runFolder';
import { acquireTrainerLock, releaseTrainerLock, requireUnlocked } from '../store/trainerLock';
import { IMAGE_SIZE } from '../model/architecture';
import type { TrainConfig } from '../train/config';
import { validateTrainConfig } from '../train/validateConfig';
import { createEngine } from '../train/createEngine';
import type { OptimizerState, TrainingEngine } from '../train/engine';
import type { FlowEngineOptions } from '../train/flow/flowEngineTypes';
import { newFlowStart, resumedFlowOptions } from '../train/flowStart';
import type { JobListener, JobOutcome, JobRequest } from './jobTypes';
import { loadResumePoint, type ResumeState } from './resumePoint';
import { train, type StartPoint } from './trainingRun';
import { reconcileStaleRuns } from '../store/staleRuns';
import { formatDuration } from '../../shared/formatNumber';

/**
 * Runs a training job against a runs folder: creates or reopens the run, loads
 * the data, trains, and writes metrics, checkpoints and the resume point as it
 * goes. A failure marks the run 'failed' with its cause before rethrowing; a
 * cancel (isCancelled turning true) stops between steps, saves the exact
 * position, and marks the run 'cancelled'.
 */
export async function runTrainingJob(
  request: JobRequest,
  listener: JobListener,
  isCancelled: () => boolean,
): Promise<JobOutcome> {
  const store = new RunStore(request.runsFolder);
  const prepared =
    request.kind === 'new'
      ? await prepareNew(store, request.config, listener)
      : await prepareResume(store, request, listener);
  const { runId, config, data, engine, start } = prepared;
  const runFolder = store.folderOf(runId);
  try {
    return await train({ store, runId, runFolder, config, data, engine, start, listener, isCancelled });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof InvertscopeError ? error.code : 'INTERNAL';
    await store
      .readRun(runId)
      .then((record) =>
        store.updateRun(runId, {
          status: 'failed',
          error: { message, code },
          process: null,
          timings: { ...record.timings, endedAt: new Date().toISOString() },
        }),
      )
      .catch(() => undefined);
    throw error;
  } finally {
    engine.dispose();
    await releaseTrainerLock(runFolder);
  }
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
    const how =
      config.flow.init === 'analytic'
        ? `the analytic flow init (${config.flow.kinkLayers} kink layers, ridge ${config.flow.ridge}, ${config.flow.prior} prior) on ${data.train.count} training images`
        : config.flow.init === 'gaussianize'
          ? `iterative Gaussianization (${config.flow.kinkLayers} pixel kink layers, a whitening, ${config.architecture.layers.length - 1 - config.flow.kinkLayers} kinks on the whitened values, ridge ${config.flow.ridge}${config.flow.fullPrior ? `, a full covariance per class from ${config.flow.fullPrior.draws} dequantization draws` : ''}) on ${data.train.count} training images`
          : `PyTorch's default init factored into LU layers (${config.flow.prior} prior)`;
    listener.log('info', `initializing with ${how}`);
    const start = newFlowStart(config, data, (stage) => listener.log('info', `  ${stage}`));
    params = start.params;
    flow = start.engine;
    initSeconds = start.initSeconds;
    if (start.report) {
      const kinked = start.report.kinkedFraction.map((f) => `${Math.round(f * 100)}%`).join(', ');
      listener.log(
        'info',
        `initialized in ${formatDuration(initSeconds ?? 0)}${kinked ? `; pixels kinked per kink layer: ${kinked}` : ''}`,
      );
    }
  } else {
    params = initParams(config.architecture, createRng(config.seed).fork('init'));
  }
  const engine = await openEngine(config, params, undefined, flow, data, listener);
  try {
    // The lock is taken in the staging folder, so the run appears already held by this process.
    const runId = await store.createRun(config, dataInfo(data), engine.backend, {
      versions: { tfjs: tfjsVersion() },
      prepare: async (folder) => {
        await acquireTrainerLock(folder, 'new run');
        return {};
      },
    });
    if (initSeconds !== null) {
      const created = await store.readRun(runId);
      await store.updateRun(runId, { timings: { ...created.timings, initSeconds } });
    }
    const recordInitialModel = config.epochs === 0 || config.checkpointEpochs.includes(0);
    return {
      runId,
      config,
      data,
      engine,
      start: { completedEpochs: 0, completedSteps: 0, partialEpoch: null, trainSecondsBefore: 0, recordInitialModel },
    };
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
export async function checkResume(
  store: RunStore,
  request: Extract<JobRequest, { kind: 'resume' }>,
): Promise<ResumeCheck> {
  await reconcileStaleRuns(store);
  const record = await store.readRun(request.runId);
  await requireUnlocked(store.folderOf(record.id), record.id);
  if (record.status === 'running') {
    throw new InvertscopeError(
      'BAD_INPUT',
      `run ${record.id} is still training (process ${record.process?.pid ?? '?'}); stop it before resuming`,
      { field: 'status', value: record.status },
    );
  }
  let config: TrainConfig;
  try {
    const where = `${store.runFile(record.id)}: config`;
    config = requireImageWidth(
      validateTrainConfig(
        { ...record.config, epochs: request.epochs, backend: request.backend ?? record.config.backend },
        where,
      ),
      where,
    );
  } catch (error) {
    // The epochs are the user's; anything else wrong is in the stored record.
    if (isInvertscopeError(error) && error.detail?.field !== 'epochs')
      throw new InvertscopeError('CORRUPT', error.message, error.detail, { cause: error });
    throw error;
  }
  await store.checkWritable(record.id);
  const point = await loadResumePoint(store.folderOf(record.id));
  if (!point)
    throw new InvertscopeError(
      'NOT_FOUND',
      `run ${record.id} has no resume point: it was stopped before its first training step was saved`,
      { file: store.folderOf(record.id) },
    );
  const completed = point.info.completedEpochs;
  if (!Number.isInteger(request.epochs) || request.epochs <= completed) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `resume: --epochs must be more than the ${completed} epochs already completed, got ${request.epochs}`,
      { field: 'epochs', value: request.epochs },
    );
  }
  return { record, config, point };
}

/** Training maps images to images: every layer is as wide as an image has pixels. */
function requireImageWidth(config: TrainConfig, where: string): TrainConfig {
  const { width } = config.architecture;
  if (width !== IMAGE_SIZE) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${where}: invalid architecture.width: ${width} (the training data's images have ${IMAGE_SIZE} pixels)`,
      { field: 'architecture.width', value: width },
    );
  }
  return config;
}

/** Takes the run's trainer lock (one training process per run, across processes), then prepares as the lock holder. */
async function prepareResume(
  store: RunStore,
  request: Extract<JobRequest, { kind: 'resume' }>,
  listener: JobListener,
): Promise<Prepared> {
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

async function prepareLockedResume(
  store: RunStore,
  request: Extract<JobRequest, { kind: 'resume' }>,
  listener: JobListener,
): Promise<Prepared> {
  const { record, config, point } = await checkResume(store, request);
  const data = await loadData(config.data);
  checkSameSplit(record.data.split, data, record.id);
  const flow =
    config.objective === 'flow' ? resumedFlowOptions(config, data, point.checkpoint.flow, point.file) : undefined;
  const engine = await openEngine(
    config,
    point.checkpoint.params,
    point.checkpoint.optimizer ?? undefined,
    flow,
    data,
    listener,
  );
  await store.updateRun(record.id, {
    status: 'running',
    config,
    backend: engine.backend,
    error: null,
    process: currentProcessInfo(),
    timings: { ...record.timings, endedAt: null },
  });
  return {
    runId: record.id,
    config,
    data,
    engine,
    start: {
      completedEpochs: point.info.completedEpochs,
      completedSteps: point.info.completedSteps,
      partialEpoch: point.info.partialEpoch,
      trainSecondsBefore: record.timings.trainSeconds,
      recordInitialModel: false,
    },
  };
}

async function openEngine(
  config: TrainConfig,
  params: ModelParams,
  optimizer: OptimizerState | undefined,
  flow: FlowEngineOptions | undefined,
  data: SplitData,
  listener: JobListener,
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
  listener.log(
    'info',
    `training on ${choice.engine.backend.description}; data: ${data.description} (${data.train.count} train / ${data.test.count} test)`,
  );
  return choice.engine;
}

function dataInfo(data: SplitData) {
  return { description: data.description, trainCount: data.train.count, testCount: data.test.count, split: data.split };
}

function checkSameSplit(recorded: SplitData['split'], data: SplitData, runId: string): void {
  const same =
    recorded.kind === 'stratified' && data.split.kind === 'stratified'
      ? recorded.train.length === data.split.train.length &&
        recorded.train.every((v, i) => v === (data.split as typeof recorded).train[i])
      : recorded.kind === data.split.kind;
  if (!same) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `run ${runId}: the data no longer splits as recorded in run.json; resuming would train on different images`,
      { field: 'data.split' },
    );
  }
}

function tfjsVersion(): string | null {
  try {
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

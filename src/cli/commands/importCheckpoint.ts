import { resolve } from 'node:path';
import { describeArchitecture, PRESET_NAMES, type PresetName } from '../../core/model/architecture';
import { RunStore } from '../../core/store/runStore';
import { importPytorchCheckpoint } from '../../core/store/importPytorch';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { commandLine, runsArgs } from '../commandLine';
import { EXIT } from '../exitCodes';
import { OUT_IS_NOW_RUNS } from './train';

const FLAGS = {
  model: { type: 'string', choices: PRESET_NAMES, default: 'read from the tensor names and shapes', description: 'the architecture, when the tensor names leave it open' },
  slope: { type: 'number', default: 0.01, description: 'LeakyReLU negative slope' },
  'no-last-activation': { type: 'boolean', description: 'the last Linear has no LeakyReLU after it' },
  epoch: { type: 'integer', min: 0, default: 'unknown', description: 'the epoch the file was saved at' },
  runs: { ...RUNS_FLAG, description: 'the runs folder the new run is written into' },
  json: { type: 'boolean', description: 'print the new run as JSON' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const importCommand: Command = {
  name: 'import',
  summary: "import a PyTorch nn.Sequential .safetensors file as a run with one checkpoint",
  usage: 'invertscope import <file.safetensors> [options]',
  flags: FLAGS,
  arguments: [['<file.safetensors>', "a PyTorch nn.Sequential state dict of Linear layers (0.weight, 0.bias, 2.weight, …), or an Invertscope checkpoint"]],
  examples: ['invertscope import model.safetensors --model base --epoch 50'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length !== 1) throw new UsageError('import needs exactly one .safetensors file');
    const file = resolve(ctx.cwd, positionals[0]);
    const store = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    const imported = await importPytorchCheckpoint(store, file, {
      ...(flags.model ? { preset: flags.model as PresetName } : {}),
      ...(flags.slope !== undefined ? { negativeSlope: flags.slope as number } : {}),
      ...(flags['no-last-activation'] ? { activateLast: false } : {}),
      ...(flags.epoch !== undefined ? { epoch: flags.epoch as number } : {}),
    });
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
    } else {
      ctx.stdout.write(`Imported ${positionals[0]} as run ${imported.id}\n  model      ${describeArchitecture(imported.architecture)}\n  checkpoint ${imported.checkpoint.file}\n`
        + `Next: ${commandLine(['analyze', imported.id, ...runsArgs(store.root, ctx.cwd)])}\n`);
    }
    return EXIT.ok;
  },
};

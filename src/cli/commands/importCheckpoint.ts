import { resolve } from 'node:path';
import { describeArchitecture, PRESET_NAMES, type PresetName } from '../../core/model/architecture';
import { RunStore } from '../../core/store/runStore';
import { importPytorchCheckpoint } from '../../core/store/importPytorch';
import { parseArgs, UsageError } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';

export const importCommand: Command = {
  name: 'import',
  summary: "import a PyTorch nn.Sequential .safetensors file as a run with one checkpoint",
  usage: 'invertscope import <file.safetensors> [--model base|small|noact] [--slope 0.01] [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, {
      model: { type: 'string', choices: PRESET_NAMES, description: 'the architecture, when the tensor names leave it open' },
      slope: { type: 'number', description: 'LeakyReLU negative slope (default 0.01)' },
      'no-last-activation': { type: 'boolean', description: 'the last Linear has no LeakyReLU after it' },
      epoch: { type: 'integer', min: 0, description: 'the epoch the file was saved at, if known' },
      out: { type: 'string', description: 'runs folder (default ./runs)' },
      json: { type: 'boolean', description: 'print the new run as JSON' },
    });
    if (positionals.length !== 1) throw new UsageError('import needs exactly one .safetensors file');
    const file = resolve(ctx.cwd, positionals[0]);
    const store = new RunStore(resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs'));
    const imported = await importPytorchCheckpoint(store, file, {
      ...(flags.model ? { preset: flags.model as PresetName } : {}),
      ...(flags.slope !== undefined ? { negativeSlope: flags.slope as number } : {}),
      ...(flags['no-last-activation'] ? { activateLast: false } : {}),
      ...(flags.epoch !== undefined ? { epoch: flags.epoch as number } : {}),
    });
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
    } else {
      ctx.stdout.write(`Imported ${positionals[0]} as run ${imported.id}\n  model      ${describeArchitecture(imported.architecture)}\n  checkpoint ${imported.checkpoint.file}\n`);
    }
    return EXIT.ok;
  },
};

import { resolve } from 'node:path';
import { downloadMnist } from '../../core/data/downloadMnist';
import { MNIST_MIRRORS } from '../../core/data/mnistSources';
import { parseArgs, renamedFlag, UsageError, type FlagSpec } from '../args';
import { commandLine, displayPath } from '../commandLine';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { ProgressBar } from '../progressBar';

const FLAGS = {
  out: {
    type: 'string',
    valueName: 'folder',
    default: './data/mnist',
    description: 'the folder to write the four .gz files into (an interrupted download resumes there)',
  },
  mirror: {
    type: 'list',
    valueName: 'url',
    default: MNIST_MIRRORS.join(', '),
    description: 'base URLs to try, in order',
  },
  json: { type: 'boolean', description: 'print the result (files, sizes, SHA-256 checks) as JSON' },
  dest: renamedFlag('out', 'the folder a command writes is --out in every command'),
} satisfies Record<string, FlagSpec>;

export const downloadMnistCommand: Command = {
  name: 'download-mnist',
  summary: 'download the official MNIST files (SHA-256 checked, resumable)',
  usage: 'invertscope download-mnist [options]',
  flags: FLAGS,
  examples: ['invertscope download-mnist', 'invertscope download-mnist --out ~/data/mnist'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`download-mnist takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const folder = resolve(ctx.cwd, flags.out ?? 'data/mnist');
    const controller = new AbortController();
    const removeInterrupt = ctx.onInterrupt(() => controller.abort());
    const bar = new ProgressBar(ctx.stderr);
    try {
      const result = await downloadMnist({
        folder,
        ...(flags.mirror ? { mirrors: flags.mirror } : {}),
        signal: controller.signal,
        onProgress: (p) =>
          bar.update(p.totalBytes ? p.bytesDone / p.totalBytes : 0, `${p.file} ${(p.bytesDone / 1e6).toFixed(1)} MB`),
      });
      bar.done();
      if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else
        ctx.stdout.write(
          `MNIST is in ${folder}. Train on it with: ${commandLine(['train', '--data', displayPath(folder, ctx.cwd)])}\n`,
        );
      return EXIT.ok;
    } finally {
      removeInterrupt();
      bar.done();
    }
  },
};

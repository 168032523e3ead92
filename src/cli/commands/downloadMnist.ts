import { resolve } from 'node:path';
import { downloadMnist } from '../../core/data/downloadMnist';
import { MNIST_MIRRORS } from '../../core/data/mnistSources';
import { parseArgs, UsageError } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { ProgressBar } from '../progressBar';

export const downloadMnistCommand: Command = {
  name: 'download-mnist',
  summary: 'download the official MNIST files (SHA-256 checked, resumable)',
  usage: 'invertscope download-mnist [--dest data/mnist] [--mirror URL]... [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, {
      dest: { type: 'string', description: 'folder for the four .gz files (default ./data/mnist)' },
      mirror: { type: 'list', description: `base URL to try, in order (default: ${MNIST_MIRRORS.join(', ')})` },
      json: { type: 'boolean', description: 'print the result as JSON' },
    });
    if (positionals.length > 0) throw new UsageError(`download-mnist takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const folder = resolve(ctx.cwd, (flags.dest as string | undefined) ?? 'data/mnist');
    const controller = new AbortController();
    const removeInterrupt = ctx.onInterrupt(() => controller.abort());
    const bar = new ProgressBar(ctx.stderr);
    try {
      const result = await downloadMnist({
        folder,
        ...(flags.mirror ? { mirrors: flags.mirror as string[] } : {}),
        signal: controller.signal,
        onProgress: (p) => bar.update(p.totalBytes ? p.bytesDone / p.totalBytes : 0, `${p.file} ${(p.bytesDone / 1e6).toFixed(1)} MB`),
      });
      bar.done();
      if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else ctx.stdout.write(`MNIST is in ${folder}. Train on it with: invertscope train --data ${folder}\n`);
      return EXIT.ok;
    } finally {
      removeInterrupt();
      bar.done();
    }
  },
};

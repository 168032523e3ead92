import { resolve } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import type { BackendRequest } from '../../core/train/config';
import { checkResume } from '../../core/train/trainingJob';
import { parseArgs, UsageError } from '../args';
import type { CliContext, Command } from '../context';
import { runTrainingSession } from '../trainingSession';
import { BACKEND_CHOICES } from './train';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'continue a run from where it stopped to more epochs',
  usage: 'invertscope resume <run> --epochs N [--backend auto|...] [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, {
      epochs: { type: 'integer', min: 1, description: 'the total number of epochs the run should reach' },
      backend: { type: 'string', choices: BACKEND_CHOICES, description: 'compute backend (default: as the run was trained)' },
      out: { type: 'string', description: 'runs folder (default ./runs)' },
      json: { type: 'boolean', description: 'print every progress message as a JSON line' },
    });
    if (positionals.length !== 1) throw new UsageError('resume needs exactly one run (an id, a unique prefix, or a run folder)');
    if (flags.epochs === undefined) throw new UsageError('resume needs --epochs N (the total the run should reach)');
    const base = new RunStore(resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs'));
    const { store, id } = await base.resolveRun(positionals[0], { cwd: ctx.cwd });
    const request = {
      kind: 'resume', runsFolder: store.root, runId: id, epochs: flags.epochs as number,
      ...(flags.backend ? { backend: flags.backend as BackendRequest } : {}),
    } as const;
    // The training process checks again; checking here first reports a run that cannot resume without starting one.
    await checkResume(store, request);
    return runTrainingSession(request, ctx, flags.json === true);
  },
};

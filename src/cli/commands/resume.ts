import { resolve } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import type { BackendRequest } from '../../core/train/config';
import { checkResume } from '../../core/jobs/trainingJob';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { runTrainingSession } from '../trainingSession';
import { BACKEND_CHOICES, OUT_IS_NOW_RUNS } from './train';
import { resolveRun } from '../../core/store/resolveRun';

const FLAGS = {
  epochs: {
    type: 'integer',
    min: 1,
    valueName: 'n',
    default: 'none: it is required',
    description: 'the total number of epochs the run should reach (more than it has)',
  },
  backend: {
    type: 'string',
    choices: BACKEND_CHOICES,
    default: 'the one the run was started with',
    description: 'compute backend for the rest of the run',
  },
  runs: RUNS_FLAG,
  json: { type: 'boolean', description: 'print every progress message as a JSON line on stdout' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'continue a run from where it stopped to more epochs',
  usage: 'invertscope resume <run> --epochs <n> [options]',
  flags: FLAGS,
  arguments: [['<run>', 'a run id, a unique prefix of one (looked up in --runs), or a run folder']],
  examples: ['invertscope resume 20261130-0512-small-3f9a --epochs 10'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length !== 1)
      throw new UsageError('resume needs exactly one run (an id, a unique prefix, or a run folder)');
    if (flags.epochs === undefined) throw new UsageError('resume needs --epochs N (the total the run should reach)');
    const base = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    const { store, id } = await resolveRun(base, positionals[0], { cwd: ctx.cwd });
    const request = {
      kind: 'resume',
      runsFolder: store.root,
      runId: id,
      epochs: flags.epochs,
      ...(flags.backend ? { backend: flags.backend as BackendRequest } : {}),
    } as const;
    // The training process checks again; checking here first reports a run that cannot resume without starting one.
    await checkResume(store, request);
    return runTrainingSession(request, ctx, flags.json === true);
  },
};

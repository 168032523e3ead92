import { basename, join, resolve } from 'node:path';
import { InvertscopeError } from '../core/errors';
import { resolveRun } from '../core/store/resolveRun';
import { RunStore } from '../core/store/runStore';
import { RUNS_FLAG, UsageError, type FlagSpec, type FlagValues } from './args';
import type { CliContext } from './context';

/** Flags that say which checkpoint: shared by analyze, reconstruct and generate. */
export const CHECKPOINT_FLAGS = {
  epoch: {
    type: 'integer',
    min: 0,
    default: 'the latest checkpoint',
    description: 'with a run: the checkpoint of this epoch',
  },
  runs: { ...RUNS_FLAG, description: 'the runs folder a run id is looked up in' },
} satisfies Record<string, FlagSpec>;

/** The positional argument of analyze, reconstruct and generate, for --help. */
export const CHECKPOINT_ARGUMENT: readonly [string, string] = [
  '<checkpoint>',
  'a .safetensors checkpoint file, or a run (an id, a unique prefix of one, or a run folder) with --epoch or its latest checkpoint',
];

/**
 * The checkpoint file a command names: a .safetensors path as is, or a run (id,
 * unique id prefix or folder) and --epoch (default: its latest checkpoint).
 */
export async function resolveCheckpointArgument(
  positionals: readonly string[],
  flags: FlagValues,
  ctx: CliContext,
): Promise<string> {
  if (positionals.length !== 1)
    throw new UsageError('give exactly one checkpoint: a .safetensors file, or a run id (with --epoch N)');
  const ref = positionals[0];
  const epoch = flags.epoch as number | undefined;
  if (/\.safetensors$/i.test(ref)) {
    if (epoch !== undefined)
      throw new UsageError('--epoch picks a checkpoint of a run; it cannot be used with a .safetensors file');
    return resolve(ctx.cwd, ref);
  }
  const base = new RunStore(resolve(ctx.cwd, (flags.runs as string | undefined) ?? 'runs'));
  const { store, id, folder } = await resolveRun(base, ref, { cwd: ctx.cwd });
  const run = await store.readRun(id);
  const entry =
    epoch === undefined ? run.checkpoints[run.checkpoints.length - 1] : run.checkpoints.find((c) => c.epoch === epoch);
  if (!entry) {
    const have = run.checkpoints.map((c) => c.epoch).join(', ') || 'none';
    throw new InvertscopeError(
      'NOT_FOUND',
      `run ${id} has no checkpoint${epoch === undefined ? '' : ` for epoch ${epoch}`} (checkpoints: ${have})`,
      { field: 'epoch', value: epoch },
    );
  }
  return join(folder, entry.file);
}

/**
 * The default name, before its suffix, of what reconstruct and generate write for
 * a checkpoint: `<run>-epoch-NNNN` inside a run, else the file's own name.
 */
export function checkpointOutputStem(file: string, runId: string | null, epoch: number): string {
  return runId !== null
    ? `${runId}-epoch-${String(epoch).padStart(4, '0')}`
    : basename(file).replace(/\.safetensors$/i, '');
}

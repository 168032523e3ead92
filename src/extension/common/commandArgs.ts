import type { CheckpointEntry, RunRecord } from '../../core/store/runTypes';
import type { CheckpointRef } from '../../shared/checkpointRef';

/**
 * Commands are invoked from tree context menus (with a node), from tooltip
 * links and other extensions (with a plain `{ runId, epoch }`), and from the
 * palette (with nothing). These read whichever came.
 */
export interface RunRef {
  readonly runId: string;
}

export function asRunRef(arg: unknown): RunRef | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const runId = (arg as { runId?: unknown }).runId;
  return typeof runId === 'string' && runId !== '' ? { runId } : undefined;
}

export function asCheckpointRef(arg: unknown): CheckpointRef | undefined {
  const run = asRunRef(arg);
  const epoch = (arg as { epoch?: unknown } | null)?.epoch;
  return run && typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0
    ? { runId: run.runId, epoch }
    : undefined;
}

/**
 * Two checkpoints to compare from a tree invocation: VS Code passes the clicked
 * node and, with multi-select, every selected node as the second argument.
 */
export function checkpointPairFromSelection(
  clicked: unknown,
  selected: unknown,
): [CheckpointRef, CheckpointRef] | undefined {
  const refs = (Array.isArray(selected) ? selected : [clicked])
    .map(asCheckpointRef)
    .filter((r): r is CheckpointRef => r !== undefined);
  const unique = refs.filter((r, i) => refs.findIndex((o) => o.runId === r.runId && o.epoch === r.epoch) === i);
  return unique.length === 2 ? [unique[0], unique[1]] : undefined;
}

/** The run's checkpoint at `ref.epoch`; throws the message commands and the inspector both show when it is gone. */
export function checkpointEntry(run: RunRecord, ref: CheckpointRef): CheckpointEntry {
  const entry = run.checkpoints.find((c) => c.epoch === ref.epoch);
  if (!entry) throw new Error(`run ${ref.runId} has no checkpoint at epoch ${ref.epoch}`);
  return entry;
}

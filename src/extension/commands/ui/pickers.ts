import * as vscode from 'vscode';
import type { CheckpointEntry, RunRecord } from '../../../core/store/runTypes';
import type { Services } from '../../services';
import { sortRuns } from '../../tree/treePresentation';
import type { CheckpointRef } from '../../../shared/checkpointRef';
import { asCheckpointRef, asRunRef, checkpointEntry } from '../../common/commandArgs';

/** The run a command was invoked on, or one the person picks; undefined when they cancel. */
export async function resolveRun(
  services: Services,
  arg: unknown,
  question: string,
  filter: (run: RunRecord) => boolean = () => true,
): Promise<RunRecord | undefined> {
  const ref = asRunRef(arg);
  if (ref) return services.location.current.readRun(ref.runId);
  const { runs } = await services.location.current.listRuns();
  const candidates = sortRuns(runs).filter(filter);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No run fits: ${question}`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((run) => ({
      label: run.id,
      description: `${run.config.architecture.name} · ${run.status} · ${run.epochsCompleted} epochs`,
      run,
    })),
    { placeHolder: question, matchOnDescription: true },
  );
  return picked?.run;
}

export interface ResolvedCheckpoint {
  readonly run: RunRecord;
  readonly entry: CheckpointEntry;
}

/**
 * The checkpoint a command was invoked on (a checkpoint or layer node, or a
 * `{ runId, epoch }`), the latest of a run node, or one the person picks.
 */
export async function resolveCheckpoint(
  services: Services,
  arg: unknown,
  question: string,
  exclude?: CheckpointRef,
): Promise<ResolvedCheckpoint | undefined> {
  const store = services.location.current;
  const ref = asCheckpointRef(arg);
  if (ref) {
    const run = await store.readRun(ref.runId);
    return { run, entry: checkpointEntry(run, ref) };
  }
  const runRef = asRunRef(arg);
  if (runRef) {
    const run = await store.readRun(runRef.runId);
    const entry = run.checkpoints[run.checkpoints.length - 1];
    if (!entry) throw new Error(`run ${run.id} has no checkpoint yet`);
    return { run, entry };
  }
  const { runs } = await store.listRuns();
  const items = sortRuns(runs).flatMap((run) =>
    [...run.checkpoints]
      .reverse()
      .filter((entry) => !(exclude && exclude.runId === run.id && exclude.epoch === entry.epoch))
      .map((entry) => ({
        label: `${run.id} · epoch ${entry.epoch}`,
        description: `${run.config.architecture.name} · ${run.status}`,
        run,
        entry,
      })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      'No checkpoints yet: train a model or import a safetensors checkpoint first.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: question, matchOnDescription: true });
  return picked ? { run: picked.run, entry: picked.entry } : undefined;
}

export function checkpointTarget(services: Services, checkpoint: ResolvedCheckpoint) {
  return {
    run: checkpoint.run,
    entry: checkpoint.entry,
    file: services.location.current.checkpointPath(checkpoint.run.id, checkpoint.entry),
  };
}

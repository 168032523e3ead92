import { isDeepStrictEqual } from 'node:util';
import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/runTypes';
import type { TrainConfig } from '../train/config';
import { loadResumePoint } from '../jobs/resumePoint';
import { reconcileStaleRuns } from '../store/staleRuns';

/**
 * What a runs folder already holds of a planned run, so a rerun of
 * `reproduce` continues instead of starting over: the run trained with exactly
 * this configuration, finished; or one stopped part way (Ctrl-C, a crash) that
 * can be resumed from its last saved step; or nothing usable.
 */
export type ExistingRun =
  | { readonly kind: 'none' }
  | { readonly kind: 'complete'; readonly record: RunRecord }
  | { readonly kind: 'resumable'; readonly record: RunRecord; readonly completedEpochs: number }
  /** Training right now in another process (a second `reproduce` on the same folder). */
  | { readonly kind: 'busy'; readonly record: RunRecord };

/** The configuration as it decides the training: the backend only says where it ran. */
function sameTraining(a: TrainConfig, b: TrainConfig): boolean {
  return isDeepStrictEqual({ ...a, backend: null }, { ...b, backend: null });
}

/**
 * The most advanced run of `config` in `store`: a complete one first, then the
 * resumable one with the most epochs done. Runs a crashed process left marked
 * 'running' are first marked as ended (reconcileStaleRuns in store/staleRuns.ts).
 */
export async function findRun(store: RunStore, config: TrainConfig): Promise<ExistingRun> {
  await reconcileStaleRuns(store);
  const candidates = (await store.listRuns())
    .flatMap((e) => (e.kind === 'run' && sameTraining(e.record.config, config) ? [e.record] : []))
    .sort((a, b) => b.epochsCompleted - a.epochsCompleted || b.updatedAt.localeCompare(a.updatedAt));
  const busy = candidates.find((r) => r.status === 'running');
  if (busy) return { kind: 'busy', record: busy };
  // Stopped just after its last epoch, a run is as good as completed: every checkpoint it plans is written.
  const complete = candidates.find(
    (r) =>
      r.epochsCompleted >= config.epochs &&
      config.checkpointEpochs.every((e) => r.checkpoints.some((c) => c.epoch === e)),
  );
  if (complete) return { kind: 'complete', record: complete };
  for (const record of candidates) {
    const point = await loadResumePoint(store.folderOf(record.id)).catch(() => null);
    if (point && point.info.completedEpochs < config.epochs)
      return { kind: 'resumable', record, completedEpochs: point.info.completedEpochs };
  }
  return { kind: 'none' };
}

import { RunStore } from '../core/store/runStore';
import type { TrainingOutcome } from './protocol';

/**
 * Marks a run whose training process died without reporting (a crash, a kill,
 * an out-of-memory) as failed or cancelled. Checkpoints are left as they are:
 * each was written atomically, so the last one listed in run.json is intact.
 */
export async function recordAbnormalEnd(runsFolder: string, runId: string, outcome: TrainingOutcome): Promise<void> {
  const store = new RunStore(runsFolder);
  const record = await store.readRun(runId);
  if (record.status !== 'running') return;
  await store.updateRun(runId, {
    status: outcome.status,
    error: outcome.error ? { message: outcome.error.message, code: outcome.error.code } : null,
    process: null,
    timings: { ...record.timings, endedAt: new Date().toISOString() },
  });
}

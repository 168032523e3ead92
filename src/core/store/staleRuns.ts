import { lstat, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processState } from './processLiveness';
import type { RunStore } from './runStore';
import type { RunRecord } from './runTypes';
import { removeAbandonedTemps } from './tempFiles';

/** Leftovers of an interrupted createRun or deleteRun older than this are removed by reconcileStaleRuns. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/**
 * Marks 'failed' every run that says it is running while its training process
 * no longer exists on this host, and removes what interrupted creations and
 * deletions left behind. Returns the ids of the runs it marked.
 */
export async function reconcileStaleRuns(store: RunStore, options: { hostname?: string } = {}): Promise<string[]> {
  const marked: string[] = [];
  for (const entry of await store.listRuns()) {
    if (entry.kind !== 'run' || !isStale(entry.record, options.hostname)) continue;
    let changed = false;
    await store.modify(entry.id, (current) => {
      if (!isStale(current, options.hostname)) return null;
      changed = true;
      const now = new Date().toISOString();
      return {
        status: 'failed',
        error: { message: `training process ${current.process?.pid} ended without finishing`, code: 'INTERNAL' },
        timings: { ...current.timings, endedAt: now },
      };
    });
    if (changed) marked.push(entry.id);
  }
  await removeLeftovers(store);
  return marked;
}

/** Staging and deleting folders older than LEFTOVER_AGE_MS, and abandoned temporary files in every run. */
async function removeLeftovers(store: RunStore): Promise<void> {
  const names = await readdir(store.root).catch(() => [] as string[]);
  const cutoff = Date.now() - LEFTOVER_AGE_MS;
  for (const name of names) {
    if (!name.startsWith('.staging-') && !name.startsWith('.deleting-')) continue;
    const info = await stat(join(store.root, name)).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(join(store.root, name), { recursive: true, force: true });
  }
  // Temporary files of writes a killed process never finished, in every run (links are not followed).
  await removeAbandonedTemps(store.root);
  for (const id of await store.runFolderNames()) {
    for (const sub of ['', 'checkpoints', 'resume']) {
      const folder = join(store.root, id, sub);
      if ((await lstat(folder).catch(() => null))?.isDirectory()) await removeAbandonedTemps(folder);
    }
  }
}

function isStale(record: RunRecord, host: string | undefined): boolean {
  return record.status === 'running' && record.process != null && processState(record.process, host) === 'gone';
}

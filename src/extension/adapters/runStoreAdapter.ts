import { join } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import { importPytorchCheckpoint } from '../../core/store/importPytorch';
import { RunRecordCache } from './runRecordCache';
import type { RunStorePort } from '../ports';
import { requireTrustToChangeRuns } from '../trust';
import { reconcileStaleRuns } from '../../core/store/staleRuns';

export interface RunStoreAccess {
  /** Whether the workspace is trusted now; until it is, the port only reads (Restricted Mode). */
  readonly isTrusted: () => boolean;
}

/**
 * The extension's view of a runs folder, over the core RunStore. In an
 * untrusted workspace it reads and never writes: reconciling does nothing (it
 * would rewrite run.json files and delete leftovers) and deleting is refused.
 */
export const openRunStore = (runsFolder: string, access: RunStoreAccess = { isTrusted: () => true }): RunStorePort => {
  const store = new RunStore(runsFolder);
  const records = new RunRecordCache(store);
  return {
    runsFolder: store.root,
    listRuns: () => records.list(),
    readRun: (runId) => records.read(runId),
    readMetrics: async (runId) => (await store.readMetrics(runId)).records,
    async readMetricsSince(runId, from) {
      const read = await store.readMetrics(runId, from ? { fromOffset: from.offset, fromLine: from.line } : {});
      return { records: read.records, next: { offset: read.nextOffset, line: read.nextLine } };
    },
    runDir: (runId) => store.folderOf(runId),
    checkpointPath: (runId, entry) => join(store.folderOf(runId), entry.file),
    async deleteRun(runId) {
      requireTrustToChangeRuns(access.isTrusted(), 'Deleting a run');
      await store.deleteRun(runId);
    },
    async importSafetensors(file, options) {
      const imported = await importPytorchCheckpoint(store, file, { preset: options.preset });
      return store.readRun(imported.id);
    },
    reconcileStaleRuns: async () => (access.isTrusted() ? reconcileStaleRuns(store) : []),
  };
};

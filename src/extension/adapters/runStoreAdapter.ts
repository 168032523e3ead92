import { join } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import { importPytorchCheckpoint } from '../../core/store/importPytorch';
import type { RunStoreFactory, RunStorePort } from '../ports';

/** The extension's view of a runs folder, over the core RunStore. */
export const openRunStore: RunStoreFactory = (runsFolder: string): RunStorePort => {
  const store = new RunStore(runsFolder);
  return {
    runsFolder: store.root,
    async listRuns() {
      const entries = await store.listRuns();
      return {
        runs: entries.flatMap((e) => (e.kind === 'run' ? [e.record] : [])),
        damaged: entries.flatMap((e) => (e.kind === 'damaged' ? [{ id: e.id, folder: e.folder, message: e.error.message }] : [])),
      };
    },
    readRun: (runId) => store.readRun(runId),
    readMetrics: async (runId) => (await store.readMetrics(runId)).records,
    async readMetricsSince(runId, from) {
      const read = await store.readMetrics(runId, from ? { fromOffset: from.offset, fromLine: from.line } : {});
      return { records: read.records, next: { offset: read.nextOffset, line: read.nextLine } };
    },
    runDir: (runId) => store.folderOf(runId),
    checkpointPath: (runId, entry) => join(store.folderOf(runId), entry.file),
    deleteRun: (runId) => store.deleteRun(runId),
    async importSafetensors(file, options) {
      const imported = await importPytorchCheckpoint(store, file, { preset: options.preset });
      return store.readRun(imported.id);
    },
    reconcileStaleRuns: () => store.reconcileStaleRuns(),
  };
};

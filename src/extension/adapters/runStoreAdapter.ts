import { join } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import { importPytorchCheckpoint } from '../../core/store/importPytorch';
import { RunRecordCache } from './runRecordCache';
import type { RunStoreFactory, RunStorePort } from '../ports';

/** The extension's view of a runs folder, over the core RunStore. */
export const openRunStore: RunStoreFactory = (runsFolder: string): RunStorePort => {
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
    deleteRun: (runId) => store.deleteRun(runId),
    async importSafetensors(file, options) {
      const imported = await importPytorchCheckpoint(store, file, { preset: options.preset });
      return store.readRun(imported.id);
    },
    reconcileStaleRuns: () => store.reconcileStaleRuns(),
  };
};

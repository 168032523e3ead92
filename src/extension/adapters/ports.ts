import type { AnalysisPort, DatasetPort, LogSink, RunStoreFactory, TrainerPort } from '../ports';
import { createAnalysis } from './analysisAdapter';
import { mnistDataset } from './datasetAdapter';
import { openRunStore } from './runStoreAdapter';
import { createTrainer } from './trainerAdapter';

export interface Ports {
  readonly openRunStore: RunStoreFactory;
  readonly trainer: TrainerPort;
  readonly analysis: AnalysisPort;
  readonly dataset: DatasetPort;
  /** Stops the background processes the ports started. */
  dispose(): void;
}

/** The real modules behind each port; the one place that binds them. `isTrusted` says whether the workspace is trusted now. */
export function createPorts(log: LogSink, isTrusted: () => boolean): Ports {
  const analysis = createAnalysis(log);
  return { openRunStore: (runsFolder) => openRunStore(runsFolder, { isTrusted }), trainer: createTrainer(log), analysis, dataset: mnistDataset, dispose: () => analysis.dispose() };
}

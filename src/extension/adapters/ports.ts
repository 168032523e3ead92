import type { AnalysisPort, DatasetPort, LogSink, RunStoreFactory, TrainerPort, TrajectoryPort } from '../ports';
import { createAnalysis, createAnalysisClient } from './analysisAdapter';
import { mnistDataset } from './datasetAdapter';
import { openRunStore } from './runStoreAdapter';
import { createTrainer } from './trainerAdapter';
import { createTrajectory } from './trajectoryAdapter';

export interface Ports {
  readonly openRunStore: RunStoreFactory;
  readonly trainer: TrainerPort;
  readonly analysis: AnalysisPort;
  readonly dataset: DatasetPort;
  readonly trajectory: TrajectoryPort;
  /** Stops the background processes the ports started. */
  dispose(): void;
}

/** The real modules behind each port; the one place that binds them. `isTrusted` says whether the workspace is trusted now. */
export function createPorts(log: LogSink, isTrusted: () => boolean): Ports {
  const client = createAnalysisClient(log);
  const analysis = createAnalysis(client, log);
  return {
    openRunStore: (runsFolder) => openRunStore(runsFolder, { isTrusted }),
    trainer: createTrainer(log),
    analysis,
    dataset: mnistDataset,
    trajectory: createTrajectory(client, log),
    dispose: () => analysis.dispose(),
  };
}

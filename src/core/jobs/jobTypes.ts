import type { BackendInfo, CheckpointEntry, MetricRecord } from '../store/runTypes';
import type { TrainConfig } from '../train/config';

/** A new run, or more epochs for an existing one. */
export type JobRequest =
  | { readonly kind: 'new'; readonly runsFolder: string; readonly config: TrainConfig }
  | {
      readonly kind: 'resume';
      readonly runsFolder: string;
      readonly runId: string;
      readonly epochs: number;
      readonly backend?: TrainConfig['backend'];
    };

export interface JobStarted {
  readonly runId: string;
  readonly runDir: string;
  readonly backend: BackendInfo;
  readonly objective: TrainConfig['objective'];
  readonly firstEpoch: number;
  readonly totalEpochs: number;
  readonly stepsPerEpoch: number;
}

export interface JobListener {
  started(info: JobStarted): void;
  metric(record: MetricRecord): void;
  checkpoint(entry: CheckpointEntry): void;
  log(level: 'info' | 'warn', message: string): void;
}

export type JobOutcome =
  | { readonly status: 'completed'; readonly runId: string }
  | { readonly status: 'cancelled'; readonly runId: string; readonly lastCheckpoint: CheckpointEntry | null };

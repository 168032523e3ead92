import type { DataSplitRecord } from '../data/dataset';
import type { TrainConfig } from '../train/config';
import type { BackendInfo } from '../train/engine';
import type { EpochMetric, MetricRecord, StepMetric } from '../train/metrics';

/**
 * The on-disk contract between trainer, extension, CLI and other tools.
 * docs/run-store.md describes the same structures for readers outside TypeScript.
 */
export const RUN_FORMAT_VERSION = 1;

/** The lines of metrics.jsonl and the backend are defined by the training that writes them. */
export type { BackendInfo, EpochMetric, MetricRecord, StepMetric };

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface CheckpointEntry {
  readonly epoch: number;
  /** Path relative to the run folder, e.g. "checkpoints/epoch-0002.safetensors". */
  readonly file: string;
  /** NaN when unknown (an imported checkpoint) or diverged; stored as null in JSON. */
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly writtenAt: string;
  readonly sha256: string;
}

export interface RunRecord {
  readonly formatVersion: number;
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly status: RunStatus;
  readonly config: TrainConfig;
  readonly backend: BackendInfo | null;
  readonly versions: { readonly invertscope: string; readonly node: string; readonly tfjs: string | null };
  readonly timings: {
    readonly startedAt: string;
    readonly endedAt: string | null;
    readonly trainSeconds: number;
    /** Seconds spent computing the initial model before training (a flow's analytic init); absent when none was computed. */
    readonly initSeconds?: number;
  };
  readonly data: {
    readonly description: string;
    readonly trainCount: number;
    readonly testCount: number;
    readonly split: DataSplitRecord;
  };
  readonly epochsCompleted: number;
  readonly checkpoints: readonly CheckpointEntry[];
  readonly error: { readonly message: string; readonly code: string } | null;
  /** Set when this run was created by importing a checkpoint rather than by training. */
  readonly importedFrom?: string;
  /**
   * The process that trains (or trained) this run. While status is 'running', a
   * process that no longer exists on this host means the trainer died without
   * recording why (reconcileStaleRuns in store/staleRuns.ts). Null or absent in runs that never
   * trained (imports).
   */
  readonly process?: RunProcessInfo | null;
}

export interface RunProcessInfo {
  readonly pid: number;
  readonly hostname: string;
  /** When the process started (ISO 8601). */
  readonly startedAt: string;
  /**
   * Linux only: the process's start time in clock ticks since boot (field 22 of
   * /proc/<pid>/stat). A different value under the same pid means the pid was reused.
   */
  readonly startTicks?: number;
}

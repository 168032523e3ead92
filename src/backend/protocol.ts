import type { JobRequest, JobStarted } from '../core/jobs/jobTypes';
import type { CheckpointEntry, MetricRecord, RunStatus } from '../core/store/runTypes';
import { InvertscopeError, isErrorCode } from '../core/errors';

/**
 * The one message protocol between a caller (the VS Code extension or the CLI)
 * and the training process it forks. Both directions are discriminated unions;
 * the process sends exactly one terminal message (finished, cancelled or failed)
 * unless it dies, and the client turns a death into a 'failed' outcome itself.
 */
export type TrainRequest = JobRequest;

export type ToTrainer = { readonly type: 'start'; readonly request: TrainRequest } | { readonly type: 'cancel' };

export type StartedInfo = JobStarted;

export interface FailureInfo {
  readonly message: string;
  readonly code: string;
  readonly stack?: string;
}

/**
 * The error a reported failure stands for, so a caller maps it (to an exit status,
 * to a message with an action) as it would the error thrown in-process: an
 * InvertscopeError when the code is one of ours, else a plain Error (a process
 * that died, an unknown code).
 */
export function errorFromFailure(
  info: FailureInfo | undefined,
  fallbackMessage = 'the training process failed',
): Error {
  const message = info?.message ?? fallbackMessage;
  return info && isErrorCode(info.code) ? new InvertscopeError(info.code, message) : new Error(message);
}

export type FromTrainer =
  | ({ readonly type: 'started' } & StartedInfo)
  | { readonly type: 'progress'; readonly runId: string; readonly metric: MetricRecord }
  | { readonly type: 'checkpoint'; readonly runId: string; readonly entry: CheckpointEntry }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string }
  | { readonly type: 'finished'; readonly runId: string }
  | { readonly type: 'cancelled'; readonly runId: string; readonly lastCheckpoint: CheckpointEntry | null }
  | { readonly type: 'failed'; readonly runId: string | null; readonly error: FailureInfo };

/** How a training session ended, as the caller sees it. */
export interface TrainingOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly runId: string | null;
  readonly error?: FailureInfo;
  readonly lastCheckpoint?: CheckpointEntry | null;
}

export function isFromTrainer(value: unknown): value is FromTrainer {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (
    type === 'started' ||
    type === 'progress' ||
    type === 'checkpoint' ||
    type === 'log' ||
    type === 'finished' ||
    type === 'cancelled' ||
    type === 'failed'
  );
}

export function isToTrainer(value: unknown): value is ToTrainer {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'start' || type === 'cancel';
}

import type { FromTrainer, StartedInfo, TrainingOutcome } from './protocol';

/**
 * A running training process as its caller holds it. `outcome` always settles:
 * with the process's own terminal message, or with 'failed' naming the exit
 * code or signal when the process dies without one.
 */
export interface TrainingSession {
  /** Resolves when the process has created (or reopened) the run; rejects if it fails first. */
  readonly started: Promise<StartedInfo>;
  readonly outcome: Promise<TrainingOutcome>;
  /** Every message from the process, in order. Returns a function that unsubscribes. */
  onMessage(listener: (message: FromTrainer) => void): () => void;
  /** Asks the process to stop after the current step; it writes its state and reports 'cancelled'. */
  cancel(): void;
  /** Kills the process at once (after cancel() was ignored); the run is marked cancelled. */
  kill(): void;
  readonly pid: number | undefined;
}

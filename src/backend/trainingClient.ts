import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FailureInfo, FromTrainer, StartedInfo, TrainRequest, TrainingOutcome } from './protocol';
import { isFromTrainer } from './protocol';
import type { TrainingSession } from './session';

export interface StartTrainingOptions {
  /**
   * Called when the process ends without reporting how (a crash, a kill): the
   * caller records the outcome in the run store, since the process no longer can.
   */
  readonly recordAbnormalEnd: (runsFolder: string, runId: string, outcome: TrainingOutcome) => Promise<void>;
  /** The Node (or Electron-as-Node) binary; defaults to the current one. */
  readonly execPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the process's stderr goes (its stdout carries nothing). */
  readonly onStderr?: (text: string) => void;
}

/** The training process's entry file, next to this one once compiled. */
const TRAINER_ENTRY = join(__dirname, 'trainerProcess.js');

/**
 * Forks the training process and starts a run. Every promise the session hands
 * out settles: on the process's terminal message, or on its exit or error.
 */
export function startTraining(request: TrainRequest, options: StartTrainingOptions): TrainingSession {
  const child = fork(TRAINER_ENTRY, [], {
    execPath: options.execPath ?? process.execPath,
    // Electron binaries (VS Code's extension host) run as plain Node only with this set.
    env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  return new ProcessSession(child, request, options);
}

class ProcessSession implements TrainingSession {
  readonly started: Promise<StartedInfo>;
  readonly outcome: Promise<TrainingOutcome>;
  private readonly listeners = new Set<(message: FromTrainer) => void>();
  private runId: string | null;
  private terminal: TrainingOutcome | null = null;
  private killRequested = false;
  private resolveStarted!: (info: StartedInfo) => void;
  private rejectStarted!: (error: Error) => void;
  private resolveOutcome!: (outcome: TrainingOutcome) => void;

  constructor(
    private readonly child: ChildProcess,
    private readonly request: TrainRequest,
    private readonly options: StartTrainingOptions,
  ) {
    this.runId = request.kind === 'resume' ? request.runId : null;
    this.started = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // A caller that only awaits `outcome` must not see an unhandled rejection from `started`.
    this.started.catch(() => undefined);
    this.outcome = new Promise((resolve) => {
      this.resolveOutcome = resolve;
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => options.onStderr?.(text));
    child.on('message', (message) => this.receive(message));
    child.on('error', (error) => this.finishAbnormally(`training process error: ${error.message}`));
    // 'close' rather than 'exit': it comes after the IPC channel has delivered every message.
    child.on('close', (code, signal) => {
      const how = signal ? `was killed by signal ${signal}` : `exited with code ${code}`;
      this.finishAbnormally(`training process ${how} before reporting an outcome`);
    });
    child.send({ type: 'start', request });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onMessage(listener: (message: FromTrainer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(): void {
    if (this.terminal || !this.child.connected) return;
    this.child.send({ type: 'cancel' });
  }

  kill(): void {
    if (this.terminal) return;
    this.killRequested = true;
    this.child.kill('SIGKILL');
  }

  private receive(message: unknown): void {
    if (!isFromTrainer(message)) return;
    for (const listener of this.listeners) listener(message);
    switch (message.type) {
      case 'started':
        this.runId = message.runId;
        this.resolveStarted(message);
        break;
      case 'finished':
        this.settle({ status: 'completed', runId: message.runId });
        break;
      case 'cancelled':
        this.settle({ status: 'cancelled', runId: message.runId, lastCheckpoint: message.lastCheckpoint });
        break;
      case 'failed':
        this.settle({ status: 'failed', runId: message.runId ?? this.runId, error: message.error });
        break;
      default:
        break;
    }
  }

  private settle(outcome: TrainingOutcome): void {
    if (this.terminal) return;
    this.terminal = outcome;
    this.rejectStarted(new Error(outcome.error?.message ?? `training ended (${outcome.status}) before it started`));
    this.resolveOutcome(outcome);
  }

  private finishAbnormally(message: string): void {
    if (this.terminal) return;
    const error: FailureInfo = {
      message: this.killRequested ? 'training was stopped by force' : message,
      code: this.killRequested ? 'CANCELLED' : 'INTERNAL',
    };
    const outcome: TrainingOutcome = { status: this.killRequested ? 'cancelled' : 'failed', runId: this.runId, error };
    this.terminal = outcome;
    this.rejectStarted(new Error(error.message));
    const record = this.runId
      ? this.options.recordAbnormalEnd(this.request.runsFolder, this.runId, outcome).catch((e: unknown) => {
          this.options.onStderr?.(`could not record the end of run ${this.runId}: ${String(e)}\n`);
        })
      : Promise.resolve();
    void record.then(() => this.resolveOutcome(outcome));
  }
}

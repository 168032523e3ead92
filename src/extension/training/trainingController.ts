import type { FromTrainer, StartedInfo, TrainRequest, TrainingOutcome } from '../../backend/protocol';
import type { BackendInfo } from '../../core/store/runTypes';
import type { TrainingSession } from '../../backend/session';
import type { LogSink, TrainerPort } from '../ports';
import { Disposable, toDisposable } from '../util/dispose';
import { Emitter, type Event } from '../util/emitter';
import { applyTrainerMessage, shapeFromStarted, type LiveProgress, type SessionShape } from './liveProgress';

/** One training process the extension started, as the views see it. */
export interface ActiveTraining {
  readonly request: TrainRequest;
  /** A name for people, e.g. "small" or the resumed run's id. */
  readonly label: string;
  readonly session: TrainingSession;
  /** Known once the process reports 'started' (at once for a resume). */
  readonly runId: string | null;
  readonly shape: SessionShape | null;
  /** The engine that trains, once the process has chosen it ('started'). */
  readonly backend: BackendInfo | null;
  readonly progress: LiveProgress | null;
  readonly stopRequested: boolean;
}

export interface TrainingEnded {
  readonly training: ActiveTraining;
  readonly outcome: TrainingOutcome;
}

/**
 * Owns the training sessions the extension started. It never computes anything
 * itself: the work happens in the training process, and this only follows its
 * messages. Disposing asks every process to stop (they save their state).
 */
export class TrainingController extends Disposable {
  private readonly active = new Map<TrainingSession, MutableTraining>();
  private readonly changeEmitter: Emitter<ActiveTraining>;
  private readonly endEmitter: Emitter<TrainingEnded>;
  private readonly checkpointEmitter: Emitter<{ readonly runId: string; readonly epoch: number }>;

  /** Fires on start, on every progress message and when a run id becomes known. */
  readonly onDidChange: Event<ActiveTraining>;
  readonly onDidEnd: Event<TrainingEnded>;
  /** Fires when the process has written a checkpoint. */
  readonly onDidWriteCheckpoint: Event<{ readonly runId: string; readonly epoch: number }>;

  constructor(
    private readonly trainer: TrainerPort,
    private readonly log: LogSink,
    private readonly killAfterMs = 20_000,
  ) {
    super();
    const onListenerError = (error: unknown) => this.log.error(error instanceof Error ? error : String(error));
    this.changeEmitter = this._register(new Emitter<ActiveTraining>(onListenerError));
    this.endEmitter = this._register(new Emitter<TrainingEnded>(onListenerError));
    this.checkpointEmitter = this._register(
      new Emitter<{ readonly runId: string; readonly epoch: number }>(onListenerError),
    );
    this.onDidChange = this.changeEmitter.event;
    this.onDidEnd = this.endEmitter.event;
    this.onDidWriteCheckpoint = this.checkpointEmitter.event;
    this._register(
      toDisposable(() => {
        for (const training of this.active.values()) training.session.cancel();
      }),
    );
  }

  start(request: TrainRequest, label: string): ActiveTraining {
    if (this.isDisposed) throw new Error('TrainingController: start after dispose');
    if (request.kind === 'resume' && this.findByRun(request.runId)) {
      throw new Error(`Run ${request.runId} is already training`);
    }
    const session = this.trainer.start(request);
    const training: MutableTraining = {
      request,
      label,
      session,
      runId: request.kind === 'resume' ? request.runId : null,
      shape: null,
      backend: null,
      progress: null,
      stopRequested: false,
    };
    this.active.set(session, training);
    const unsubscribe = session.onMessage((message) => this.receive(training, message));
    session.started.then(
      (info: StartedInfo) => {
        training.runId = info.runId;
        training.shape = shapeFromStarted(info);
      },
      () => undefined,
    );
    void session.outcome.then((outcome) => {
      unsubscribe();
      this.active.delete(session);
      if (outcome.runId) training.runId = outcome.runId;
      this.log.info(
        `training ${training.runId ?? label}: ${outcome.status}${outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : ''}`,
      );
      this.endEmitter.fire({ training: { ...training }, outcome });
    });
    this.log.info(`training ${label}: process ${session.pid ?? '?'} started (${request.kind})`);
    this.changeEmitter.fire({ ...training });
    return training;
  }

  list(): ActiveTraining[] {
    return [...this.active.values()].map((t) => ({ ...t }));
  }

  findByRun(runId: string): ActiveTraining | undefined {
    for (const training of this.active.values()) if (training.runId === runId) return { ...training };
    return undefined;
  }

  /** The newest training, which the status bar shows. */
  latest(): ActiveTraining | undefined {
    const all = this.list();
    return all[all.length - 1];
  }

  /**
   * Asks the process to stop after its current step; if it has not ended after
   * `killAfterMs`, kills it (the client then records the run as cancelled).
   */
  stop(session: TrainingSession): void {
    const training = this.active.get(session);
    if (!training) return;
    training.stopRequested = true;
    this.log.info(`training ${training.runId ?? training.label}: stop requested`);
    session.cancel();
    const timer = setTimeout(() => {
      if (this.active.has(session)) {
        this.log.warn(
          `training ${training.runId ?? training.label}: no answer to cancel after ${this.killAfterMs} ms, killing process ${session.pid ?? '?'}`,
        );
        session.kill();
      }
    }, this.killAfterMs);
    void session.outcome.finally(() => clearTimeout(timer));
    this.changeEmitter.fire({ ...training });
  }

  private receive(training: MutableTraining, message: FromTrainer): void {
    if (message.type === 'started') {
      training.runId = message.runId;
      training.shape = shapeFromStarted(message);
      training.backend = message.backend;
    }
    if (message.type === 'log') {
      if (message.level === 'warn') this.log.warn(`trainer: ${message.message}`);
      else this.log.info(`trainer: ${message.message}`);
      return;
    }
    if (message.type === 'checkpoint') {
      this.log.info(`training ${message.runId}: checkpoint at epoch ${message.entry.epoch} (${message.entry.file})`);
      this.checkpointEmitter.fire({ runId: message.runId, epoch: message.entry.epoch });
      return;
    }
    const next = applyTrainerMessage(training.progress, message, training.shape);
    if (next !== training.progress || message.type === 'started') {
      training.progress = next;
      this.changeEmitter.fire({ ...training });
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableTraining = Mutable<ActiveTraining>;

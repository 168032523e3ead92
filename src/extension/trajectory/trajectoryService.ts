import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import { InvertscopeError } from '../../core/errors';
import { checkpointKey } from '../../shared/checkpointRef';
import type { RunRecord } from '../../core/store/runTypes';
import type { AnalysisProgressListener, CheckpointTarget, LogSink, RunStorePort, TrajectoryPort } from '../ports';
import { Disposable } from '../util/dispose';
import { Emitter, type Event } from '../util/emitter';
import { TaskLimiter } from '../util/taskLimiter';

export interface TrajectoryChanged {
  readonly runId: string;
}

/**
 * The extension's one way to read trajectory points. The Runs tree, the
 * dashboard and the timeline ask for a run's points as often as they like; the
 * cache files are read once per set of checkpoint files, a few runs at a time,
 * and again only after `invalidate` (files of the run changed on disk).
 */
export class TrajectoryService extends Disposable {
  /** runId → the checkpoint hashes the points were read for, and the points. */
  private readonly memory = new Map<
    string,
    { readonly key: string; readonly points: Promise<readonly TrajectoryPoint[]> }
  >();
  private readonly limiter = new TaskLimiter(6);
  /** Points being computed, by run and checkpoint: callers asking for the same one share it. */
  private readonly jobs = new Map<
    string,
    {
      readonly promise: Promise<TrajectoryPoint>;
      readonly listeners: Set<AnalysisProgressListener>;
      readonly controller: AbortController;
      waiters: number;
    }
  >();
  private readonly changedEmitter: Emitter<TrajectoryChanged>;
  /** A run's points may differ from what was read before: ask again. */
  readonly onDidChange: Event<TrajectoryChanged>;

  constructor(
    private readonly port: TrajectoryPort,
    private readonly store: () => RunStorePort,
    private readonly log: LogSink,
  ) {
    super();
    this.changedEmitter = this._register(new Emitter<TrajectoryChanged>((e) => this.log.error(String(e))));
    this.onDidChange = this.changedEmitter.event;
  }

  /** The run's cached points, ascending by epoch; [] when none can be read. Never rejects. */
  points(run: RunRecord): Promise<readonly TrajectoryPoint[]> {
    const key = run.checkpoints.map((c) => `${c.epoch}:${c.sha256}`).join(',');
    const remembered = this.memory.get(run.id);
    if (remembered && remembered.key === key) return remembered.points;
    const points = this.limiter
      .run(() => this.port.readCached(run, this.store().runDir(run.id)))
      .then(
        (read) => [...read].sort((a, b) => a.epoch - b.epoch),
        (error: unknown) => {
          this.log.warn(
            `reading the trajectory of ${run.id}: ${error instanceof Error ? error.message : String(error)}`,
          );
          return [];
        },
      );
    this.memory.set(run.id, { key, points });
    return points;
  }

  /**
   * Computes (and caches) a checkpoint's point in the analysis process. Callers
   * asking for the same checkpoint share one computation, which stops when
   * every one of them has aborted. Once it is in, the run's points are read
   * again and onDidChange says so (the tree, the dashboard and timelines
   * update).
   */
  compute(
    target: CheckpointTarget,
    onProgress: AnalysisProgressListener,
    signal: AbortSignal,
  ): Promise<TrajectoryPoint> {
    const key = checkpointKey({ runId: target.run.id, epoch: target.entry.epoch, sha256: target.entry.sha256 });
    let job = this.jobs.get(key);
    if (!job) {
      const controller = new AbortController();
      const listeners = new Set<AnalysisProgressListener>();
      const promise = this.port.compute(
        target,
        (message, fraction) => {
          for (const l of [...listeners]) l(message, fraction);
        },
        controller.signal,
      );
      const created = { promise, listeners, controller, waiters: 0 };
      job = created;
      this.jobs.set(key, created);
      const settle = () => {
        if (this.jobs.get(key) === created) this.jobs.delete(key);
      };
      promise.then(() => {
        settle();
        this.invalidate(target.run.id);
      }, settle);
    }
    const shared = job;
    shared.waiters++;
    shared.listeners.add(onProgress);
    return new Promise<TrajectoryPoint>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        shared.listeners.delete(onProgress);
        signal.removeEventListener('abort', onAbort);
        if (--shared.waiters === 0 && this.jobs.get(key) === shared) shared.controller.abort();
      };
      const onAbort = (): void => {
        leave();
        reject(new InvertscopeError('CANCELLED', 'trajectory point cancelled'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (point) => {
          leave();
          resolve(point);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  /** Files of the run changed (a checkpoint or an analysis was written): the next `points` reads again. */
  invalidate(runId: string): void {
    this.memory.delete(runId);
    this.changedEmitter.fire({ runId });
  }

  /** The runs folder changed: nothing read belongs to it. */
  forgetAll(): void {
    this.memory.clear();
  }

  override dispose(): void {
    for (const job of this.jobs.values()) job.controller.abort();
    this.jobs.clear();
    super.dispose();
  }
}

import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { RunRecord } from '../../core/store/runTypes';
import type { LogSink, RunStorePort, TrajectoryPort } from '../ports';
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
  private readonly memory = new Map<string, { readonly key: string; readonly points: Promise<readonly TrajectoryPoint[]> }>();
  private readonly limiter = new TaskLimiter(6);
  private readonly changedEmitter: Emitter<TrajectoryChanged>;
  /** A run's points may differ from what was read before: ask again. */
  readonly onDidChange: Event<TrajectoryChanged>;

  constructor(private readonly port: TrajectoryPort, private readonly store: () => RunStorePort, private readonly log: LogSink) {
    super();
    this.changedEmitter = this._register(new Emitter<TrajectoryChanged>((e) => this.log.error(String(e))));
    this.onDidChange = this.changedEmitter.event;
  }

  /** The run's cached points, ascending by epoch; [] when none can be read. Never rejects. */
  points(run: RunRecord): Promise<readonly TrajectoryPoint[]> {
    const key = run.checkpoints.map((c) => `${c.epoch}:${c.sha256}`).join(',');
    const remembered = this.memory.get(run.id);
    if (remembered && remembered.key === key) return remembered.points;
    const points = this.limiter.run(() => this.port.readCached(run, this.store().runDir(run.id))).then(
      (read) => [...read].sort((a, b) => a.epoch - b.epoch),
      (error: unknown) => {
        this.log.warn(`reading the trajectory of ${run.id}: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      },
    );
    this.memory.set(run.id, { key, points });
    return points;
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
}

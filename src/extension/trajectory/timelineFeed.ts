import { describeError, isInvertscopeError } from '../../core/errors';
import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { RunRecord } from '../../core/store/runTypes';
import type { TrajectoryMessage } from '../../contracts/inspectorProtocol';
import { isCancellation } from '../common/errorMessages';
import type { LogSink, RunStorePort } from '../ports';
import { Disposable } from '../util/dispose';
import type { TrajectoryService } from './trajectoryService';

export interface TimelineFeedDeps {
  readonly store: () => RunStorePort;
  readonly trajectories: TrajectoryService;
  readonly log: LogSink;
  readonly post: (message: TrajectoryMessage) => void;
  /**
   * Resolves when the panel waits for no analysis of its own: points are
   * computed in the same process, one at a time, and the checkpoint the
   * person looks at comes first.
   */
  readonly idle: () => Promise<void>;
}

/**
 * A run's trajectory for an inspector's timeline card: the points already
 * cached, then the missing ones computed one after the other in the
 * background, each posted as it arrives with what is being computed. A run
 * that gains a checkpoint (it is training) is looked at again and its new
 * point computed. Stops when disposed (the panel closed or shows another run).
 */
export class TimelineFeed extends Disposable {
  private readonly aborter = new AbortController();
  private computing: TrajectoryMessage['computing'] = null;
  private problem: string | null = null;
  /** The loop that computes missing points runs once at a time. */
  private loop: Promise<void> | null = null;
  /** Stops the point being computed now, to let an analysis the person asked for go first. */
  private current: AbortController | null = null;
  /** An analysis was asked for since the loop last waited for the panel to be idle. */
  private yielded = false;

  constructor(
    private readonly deps: TimelineFeedDeps,
    readonly runId: string,
  ) {
    super();
    this._register({ dispose: () => this.aborter.abort() });
    this._register(
      deps.trajectories.onDidChange(({ runId: changed }) => {
        if (changed === runId) void this.refresh();
      }),
    );
  }

  /** Posts what is known now, and starts computing what is missing unless that is under way. */
  async refresh(): Promise<void> {
    const known = await this.read();
    if (!known || this.isDisposed) return;
    this.post(known.run, known.points);
    if (this.missing(known.run, known.points).length > 0 && !this.loop && this.problem === null) {
      this.loop = this.computeMissing().finally(() => {
        this.loop = null;
      });
    }
  }

  /** The run's record changed (a new checkpoint): a failure before may not hold for it. */
  runChanged(): void {
    this.problem = null;
    void this.refresh();
  }

  /**
   * The panel is about to compute an analysis the person asked for: the
   * analysis process serves one request at a time, so the point being
   * computed stops, and is computed again once the panel waits for nothing.
   */
  yieldToAnalysis(): void {
    this.yielded = true;
    this.current?.abort();
  }

  private async read(): Promise<{ run: RunRecord; points: readonly TrajectoryPoint[] } | null> {
    try {
      const run = await this.deps.store().readRun(this.runId);
      return { run, points: await this.deps.trajectories.points(run) };
    } catch (error) {
      if (!this.isDisposed && !isInvertscopeError(error, 'NOT_FOUND'))
        this.deps.log.warn(`timeline of ${this.runId}: ${describeError(error)}`);
      return null;
    }
  }

  private missing(run: RunRecord, points: readonly TrajectoryPoint[]): number[] {
    const have = new Set(points.map((p) => `${p.epoch}:${p.checkpointSha256}`));
    return run.checkpoints
      .filter((c) => !have.has(`${c.epoch}:${c.sha256}`))
      .map((c) => c.epoch)
      .sort((a, b) => a - b);
  }

  private post(run: RunRecord, points: readonly TrajectoryPoint[]): void {
    if (this.isDisposed) return;
    const current = new Map(run.checkpoints.map((c) => [c.epoch, c.sha256]));
    this.deps.post({
      type: 'trajectory',
      runId: this.runId,
      points: points.filter((p) => current.get(p.epoch) === p.checkpointSha256),
      missing: this.missing(run, points),
      computing: this.computing,
      problem: this.problem,
    });
  }

  /** Computes the missing points, oldest checkpoint first, until none is missing, one fails, or the feed stops. */
  private async computeMissing(): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      this.yielded = false;
      await this.deps.idle();
      const known = await this.read();
      if (!known || this.isDisposed) return;
      const store = this.deps.store();
      const epoch = this.missing(known.run, known.points)[0];
      const entry = known.run.checkpoints.find((c) => c.epoch === epoch);
      if (!entry) return;
      if (this.yielded) continue;
      if (tried.has(`${entry.epoch}:${entry.sha256}`)) {
        // Computed, yet still missing: the point is of another file than the one run.json recorded.
        this.problem = `The checkpoint file of epoch ${epoch} is not the one its run recorded (its SHA-256 differs); its point cannot be shown.`;
        this.post(known.run, known.points);
        return;
      }
      tried.add(`${entry.epoch}:${entry.sha256}`);
      const target = { run: known.run, entry, file: store.checkpointPath(known.run.id, entry) };
      this.computing = { epoch, message: `epoch ${epoch}: starting`, fraction: null };
      this.post(known.run, known.points);
      const current = new AbortController();
      this.current = current;
      const stop = () => current.abort();
      this.aborter.signal.addEventListener('abort', stop, { once: true });
      try {
        let lastPost = 0;
        await this.deps.trajectories.compute(
          target,
          (message, fraction) => {
            this.computing = { epoch, message: `epoch ${epoch}: ${message}`, fraction };
            // At most a few progress messages a second: each carries every point.
            const now = Date.now();
            if (now - lastPost < 250) return;
            lastPost = now;
            this.post(known.run, known.points);
          },
          current.signal,
        );
        this.computing = null;
      } catch (error) {
        this.computing = null;
        if (this.isDisposed) return;
        if (current.signal.aborted) {
          // Yielded to an analysis: this point again once the panel is idle.
          tried.delete(`${entry.epoch}:${entry.sha256}`);
          this.post(known.run, known.points);
          continue;
        }
        if (isCancellation(error)) return;
        this.problem = `The point of epoch ${epoch} could not be computed: ${describeError(error)}`;
        this.deps.log.warn(`timeline of ${this.runId}: ${this.problem}`);
        const now = await this.read();
        if (now) this.post(now.run, now.points);
        return;
      } finally {
        this.aborter.signal.removeEventListener('abort', stop);
        if (this.current === current) this.current = null;
      }
      // The service has read the run's points again and said so; refresh() posts them.
    }
  }
}

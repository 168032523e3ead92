/**
 * How far a long job is and how long it still needs: the job is a list of
 * tasks, each with an estimate in seconds on a reference machine; the time left
 * is what remains of the estimates, scaled by how this machine has done so far
 * (actual ÷ estimated seconds of the work already done). Early on, before much
 * has been timed, the scale moves gradually from 1 towards the measured one,
 * so one slow start does not multiply the whole forecast.
 *
 * @example
 *   const work = new WorkTracker([{ id: 'train', estimate: 60 }, { id: 'analyse', estimate: 20 }], clock);
 *   work.start('train'); work.progress('train', 0.5); work.status().secondsLeft;
 */
export interface PlannedTask {
  readonly id: string;
  /** Seconds on the reference machine; 0 for work already done (a reused run or cached analysis). */
  readonly estimate: number;
}

export interface WorkStatus {
  /** Share of the estimated work done, in [0, 1]. */
  readonly fraction: number;
  /** Seconds still needed at this machine's measured pace; null before anything has been timed. */
  readonly secondsLeft: number | null;
  readonly elapsedSeconds: number;
}

/** Estimated seconds of work that must have been timed before the measured pace is trusted fully. */
const TRUSTED_AFTER = 30;

export class WorkTracker {
  private readonly tasks = new Map<
    string,
    { estimate: number; done: number; startedAt: number | null; spent: number; finished: boolean }
  >();
  private readonly started: number;

  constructor(
    tasks: readonly PlannedTask[],
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    for (const t of tasks) {
      if (this.tasks.has(t.id)) throw new RangeError(`WorkTracker: task ${JSON.stringify(t.id)} is listed twice`);
      if (!(Number.isFinite(t.estimate) && t.estimate >= 0))
        throw new RangeError(`WorkTracker: task ${t.id} has estimate ${t.estimate}`);
      this.tasks.set(t.id, { estimate: t.estimate, done: 0, startedAt: null, spent: 0, finished: false });
    }
    this.started = now();
  }

  /** Replaces a task's estimate once more is known (a run found half trained, an analysis found cached). */
  reestimate(id: string, estimate: number): void {
    this.task(id).estimate = Math.max(0, estimate);
  }

  start(id: string): void {
    const t = this.task(id);
    if (t.startedAt === null) t.startedAt = this.now();
  }

  /** The share of the task done so far, in [0, 1]. */
  progress(id: string, fraction: number): void {
    const t = this.task(id);
    this.start(id);
    t.done = Math.min(1, Math.max(t.done, fraction));
  }

  finish(id: string): void {
    const t = this.task(id);
    if (t.finished) return;
    t.spent = t.startedAt === null ? 0 : this.now() - t.startedAt;
    t.done = 1;
    t.finished = true;
  }

  status(): WorkStatus {
    let total = 0,
      doneEstimate = 0,
      timedEstimate = 0,
      timedSpent = 0;
    const now = this.now();
    for (const t of this.tasks.values()) {
      total += t.estimate;
      doneEstimate += t.estimate * t.done;
      if (t.startedAt !== null && t.done > 0) {
        timedEstimate += t.estimate * t.done;
        timedSpent += t.finished ? t.spent : now - t.startedAt;
      }
    }
    const fraction = total > 0 ? doneEstimate / total : 1;
    const elapsedSeconds = now - this.started;
    if (timedEstimate <= 0) return { fraction, secondsLeft: null, elapsedSeconds };
    const trust = Math.min(1, timedEstimate / TRUSTED_AFTER);
    const pace = 1 + trust * (timedSpent / timedEstimate - 1);
    return { fraction, secondsLeft: Math.max(0, (total - doneEstimate) * pace), elapsedSeconds };
  }

  private task(id: string) {
    const t = this.tasks.get(id);
    if (!t) throw new RangeError(`WorkTracker: no task ${JSON.stringify(id)}`);
    return t;
  }
}

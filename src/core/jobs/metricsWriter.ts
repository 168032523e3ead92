import type { RunStore } from '../store/runStore';
import type { MetricRecord } from '../store/runTypes';

/** Step metrics are flushed to metrics.jsonl at least this often (and at every epoch end). */
const METRICS_FLUSH_MS = 1000;

/**
 * The metric lines of a run on their way to metrics.jsonl. An epoch's line is
 * written at once; step lines are batched and written in the background at
 * most every METRICS_FLUSH_MS, so a slow disk never holds up a step. A failed
 * background write is kept and thrown at the next step or epoch, so training
 * stops on it rather than losing lines silently.
 */
export class MetricsWriter {
  private readonly pending: MetricRecord[] = [];
  private lastFlush = Date.now();
  private background: Promise<void> | null = null;
  private backgroundFailure: { readonly error: unknown } | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
  ) {}

  push(metric: MetricRecord): void {
    this.pending.push(metric);
  }

  /** Writes every pending line now. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    await this.store.appendMetrics(this.runId, this.pending.splice(0, this.pending.length));
    this.lastFlush = Date.now();
  }

  /** Starts a background write when none is running and the last one is older than METRICS_FLUSH_MS. */
  flushInBackgroundIfDue(): void {
    if (this.background || Date.now() - this.lastFlush <= METRICS_FLUSH_MS) return;
    this.background = this.flush()
      .catch((error: unknown) => {
        this.backgroundFailure ??= { error };
      })
      .finally(() => {
        this.background = null;
      });
  }

  /** Throws what a background write failed with, if one did. */
  rethrowBackgroundFailure(): void {
    if (this.backgroundFailure) throw this.backgroundFailure.error;
  }

  /** Waits for the background write in flight, then throws its failure, if any. */
  async settle(): Promise<void> {
    await this.background;
    this.rethrowBackgroundFailure();
  }
}

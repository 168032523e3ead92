import { describeError, isInvertscopeError } from '../../core/errors';
import type { RunRecord } from '../../core/store/runTypes';
import type { CheckpointRef } from '../../shared/checkpointRef';
import type { LogSink, MetricsCursor, MetricsPage, RunStorePort } from '../ports';
import type { PanelChannel } from './panelChannel';
import { summarizeRun } from './panelState';

/** A run whose metrics cannot be read starts empty, so the next read takes the whole file. */
const NO_METRICS: MetricsPage = { records: [], next: { offset: 0, line: 1 } };

/**
 * The runs a panel shows and their metrics: everything at 'ready', a compared
 * run when it is first asked for, and what changed on disk since, each run's
 * metrics read on from where the webview has them.
 */
export class RunFeed {
  /** Per run shown, where its metrics were read up to (what the webview has). */
  private readonly metricsSent = new Map<string, MetricsCursor>();

  constructor(
    private readonly channel: PanelChannel,
    private readonly store: () => RunStorePort,
    private readonly log: LogSink,
  ) {}

  /** The run, its metrics and the list of runs, as the webview's 'init'; an unreadable run posts an error instead. */
  async sendInit(runId: string): Promise<boolean> {
    const store = this.store();
    this.metricsSent.clear();
    let run: RunRecord;
    try {
      run = await store.readRun(runId);
    } catch (error) {
      if (this.channel.isDisposed()) return false;
      this.channel.post({
        type: 'error',
        message: describeError(error),
        code: isInvertscopeError(error) ? error.code : undefined,
      });
      return false;
    }
    const [metrics, listing] = await Promise.all([
      store.readMetricsSince(run.id).catch(() => NO_METRICS),
      store.listRuns().catch(() => ({ runs: [run], damaged: [] })),
    ]);
    if (this.channel.isDisposed()) return false;
    this.metricsSent.set(run.id, metrics.next);
    this.channel.post({ type: 'init', run, metrics: metrics.records, runs: listing.runs.map(summarizeRun) });
    return true;
  }

  /** A compared checkpoint's run and metrics, unless the webview has them already. */
  async sendRunOf(ref: CheckpointRef): Promise<void> {
    if (this.metricsSent.has(ref.runId)) return;
    const store = this.store();
    const [run, metrics] = await Promise.all([
      store.readRun(ref.runId),
      store.readMetricsSince(ref.runId).catch(() => NO_METRICS),
    ]);
    if (this.channel.isDisposed()) return;
    this.metricsSent.set(ref.runId, metrics.next);
    this.channel.post({ type: 'run', run, metrics: metrics.records });
  }

  /** Files of a shown run changed on disk: its record again (unless only metrics changed), and its new metrics. */
  async runChanged(runId: string, metricsOnly: boolean): Promise<void> {
    try {
      if (!metricsOnly) {
        const run = await this.store().readRun(runId);
        if (this.channel.isDisposed()) return;
        this.channel.post({ type: 'run', run });
      }
      await this.postNewMetrics(runId);
    } catch (error) {
      if (this.channel.isDisposed()) return;
      if (isInvertscopeError(error, 'NOT_FOUND'))
        this.channel.post({ type: 'error', message: `Run ${runId} no longer exists`, code: 'NOT_FOUND' });
      else this.log.warn(`inspector: refreshing ${runId}: ${describeError(error)}`);
    }
  }

  private async postNewMetrics(runId: string): Promise<void> {
    const sent = this.metricsSent.get(runId);
    if (sent === undefined) return;
    const page = await this.store().readMetricsSince(runId, sent);
    if (this.channel.isDisposed() || page.records.length === 0) return;
    this.metricsSent.set(runId, page.next);
    this.channel.post({ type: 'metrics', runId, records: page.records });
  }
}

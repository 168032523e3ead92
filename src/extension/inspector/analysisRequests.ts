import type { PartialAnalysis } from '../../core/analysis/partialAnalysis';
import { describeError, isInvertscopeError } from '../../core/errors';
import type { CheckpointRef } from '../../shared/checkpointRef';
import type { AnalysisService } from '../analysis/analysisService';
import { checkpointEntry } from '../common/commandArgs';
import { isCancellation } from '../common/errorMessages';
import type { LogSink, RunStorePort } from '../ports';
import type { PanelChannel } from './panelChannel';

/**
 * The analyses a panel's webview asks for: read from the cache, or computed with
 * progress and partial results posted as they come; cancelled when the panel
 * closes. Counts those on their way, so the timeline computes only when none is.
 */
export class AnalysisRequests {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly channel: PanelChannel,
    private readonly deps: {
      readonly store: () => RunStorePort;
      readonly analysis: AnalysisService;
      readonly log: LogSink;
      readonly signal: AbortSignal;
      /** Called before a computation starts: it goes first in the analysis process. */
      readonly beforeCompute: () => void;
    },
  ) {}

  /** Posts the checkpoint's analysis (computed again when `force`), or the error that stopped it. */
  async send(ref: CheckpointRef, force: boolean): Promise<void> {
    const { channel } = this;
    const store = this.deps.store();
    this.inFlight++;
    try {
      const run = await store.readRun(ref.runId);
      const entry = checkpointEntry(run, ref);
      const target = { run, entry, file: store.checkpointPath(run.id, entry) };
      const onProgress = (message: string, fraction: number | null) =>
        channel.post({ type: 'analysisProgress', ref, message, fraction });
      const onPartial = (partial: PartialAnalysis) => channel.post({ type: 'analysisPartial', ref, partial });
      const cached = force ? null : await this.deps.analysis.readCached(target);
      if (!cached) this.deps.beforeCompute();
      const analysis = cached ?? (await this.deps.analysis.analyse(target, onProgress, this.deps.signal, onPartial));
      if (channel.isDisposed()) return;
      channel.post({ type: 'analysis', ref, analysis });
    } catch (error) {
      if (channel.isDisposed() || isCancellation(error)) return;
      this.deps.log.warn(`inspector: analysis of ${ref.runId} epoch ${ref.epoch}: ${describeError(error)}`);
      channel.post({
        type: 'analysisError',
        ref,
        message: describeError(error),
        code: isInvertscopeError(error) ? error.code : undefined,
      });
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once no analysis this panel asked for is on its way. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

import type { PartialAnalysis } from '../../core/analysis/partialAnalysis';
import type { CheckpointAnalysis } from '../../core/analysis/types';
import type { MetricRecord, RunRecord } from '../../core/store/runTypes';
import type {
  ExportResultMessage,
  HostMessage,
  RequestExportMessage,
  RunSummary,
  TrajectoryMessage,
} from '../../contracts/inspectorProtocol';
import type { ChartId } from '../../shared/charts';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { checkpointKey } from '../../shared/checkpointRef';

/** Where one checkpoint's analysis stands, as far as the webview knows. */
export type AnalysisState =
  | {
      readonly kind: 'loading';
      readonly message: string;
      readonly fraction: number | null;
      readonly partial?: PartialAnalysis;
    }
  | { readonly kind: 'ready'; readonly analysis: CheckpointAnalysis }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

export type ModelChange =
  | { readonly kind: 'init' }
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'metrics'; readonly runId: string }
  | { readonly kind: 'analysis'; readonly ref: CheckpointRef }
  | { readonly kind: 'error' }
  | { readonly kind: 'export'; readonly result: ExportResultMessage }
  | { readonly kind: 'reveal'; readonly chart: ChartId }
  | { readonly kind: 'requestExport'; readonly request: RequestExportMessage }
  | { readonly kind: 'trajectory'; readonly runId: string };

/**
 * Everything the host has told the webview, applied message by message. The
 * views read from here; nothing here touches the DOM.
 */
export class InspectorModel {
  initialized = false;
  primaryRunId: string | null = null;
  readonly runs = new Map<string, RunRecord>();
  readonly metrics = new Map<string, MetricRecord[]>();
  summaries: readonly RunSummary[] = [];
  private readonly analyses = new Map<string, AnalysisState>();
  /** Each watched run's trajectory as last sent (points, what is missing, what is being computed). */
  readonly trajectories = new Map<string, TrajectoryMessage>();
  panelError: { readonly message: string; readonly code?: string } | null = null;

  apply(message: HostMessage): ModelChange {
    switch (message.type) {
      case 'init':
        this.initialized = true;
        this.panelError = null;
        this.primaryRunId = message.run.id;
        this.runs.set(message.run.id, message.run);
        this.metrics.set(message.run.id, [...message.metrics]);
        this.summaries = message.runs;
        return { kind: 'init' };
      case 'run':
        this.runs.set(message.run.id, message.run);
        if (message.metrics) this.metrics.set(message.run.id, [...message.metrics]);
        return { kind: 'run', runId: message.run.id };
      case 'metrics': {
        const list = this.metrics.get(message.runId) ?? [];
        list.push(...message.records);
        this.metrics.set(message.runId, list);
        return { kind: 'metrics', runId: message.runId };
      }
      case 'analysisProgress': {
        const partial = this.loadingPartial(message.ref);
        this.analyses.set(checkpointKey(message.ref), {
          kind: 'loading',
          message: message.message,
          fraction: message.fraction,
          ...(partial ? { partial } : {}),
        });
        return { kind: 'analysis', ref: message.ref };
      }
      case 'analysisPartial': {
        const current = this.analyses.get(checkpointKey(message.ref));
        if (current?.kind === 'ready') return { kind: 'analysis', ref: message.ref };
        const progress = current?.kind === 'loading' ? current : { message: 'Computing the rest…', fraction: null };
        this.analyses.set(checkpointKey(message.ref), {
          kind: 'loading',
          message: progress.message,
          fraction: progress.fraction,
          partial: message.partial,
        });
        return { kind: 'analysis', ref: message.ref };
      }
      case 'analysis':
        this.analyses.set(checkpointKey(message.ref), { kind: 'ready', analysis: message.analysis });
        return { kind: 'analysis', ref: message.ref };
      case 'analysisError':
        this.analyses.set(checkpointKey(message.ref), { kind: 'error', message: message.message, code: message.code });
        return { kind: 'analysis', ref: message.ref };
      case 'error':
        this.panelError = { message: message.message, code: message.code };
        return { kind: 'error' };
      case 'exportResult':
        return { kind: 'export', result: message };
      case 'revealChart':
        return { kind: 'reveal', chart: message.chart };
      case 'requestExport':
        return { kind: 'requestExport', request: message };
      case 'trajectory':
        this.trajectories.set(message.runId, message);
        return { kind: 'trajectory', runId: message.runId };
    }
  }

  analysis(ref: CheckpointRef): AnalysisState | undefined {
    return this.analyses.get(checkpointKey(ref));
  }

  /** The first results of `ref`'s analysis while it is being computed. */
  private loadingPartial(ref: CheckpointRef): PartialAnalysis | undefined {
    const current = this.analyses.get(checkpointKey(ref));
    return current?.kind === 'loading' ? current.partial : undefined;
  }

  /** Records that the webview asked for `ref`, unless an answer is already here. */
  expect(ref: CheckpointRef): void {
    const current = this.analyses.get(checkpointKey(ref));
    if (current?.kind === 'ready' || current?.kind === 'loading') return;
    this.analyses.set(checkpointKey(ref), { kind: 'loading', message: 'Waiting for the analysis…', fraction: null });
  }

  run(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  metricsOf(runId: string): readonly MetricRecord[] {
    return this.metrics.get(runId) ?? [];
  }
}

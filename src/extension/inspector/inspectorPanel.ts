import * as vscode from 'vscode';
import type { PartialAnalysis } from '../../core/analysis/partialAnalysis';
import { describeError, isInvertscopeError } from '../../core/errors';
import type { RunRecord } from '../../core/store/runTypes';
import type { ExportMessage, HostMessage, WebviewMessage } from '../../contracts/inspectorProtocol';
import type { ChartId, ExportFormat } from '../../shared/charts';
import type { CheckpointRef } from '../../shared/checkpointRef';
import type { AnalysisService } from '../analysis/analysisService';
import { checkpointEntry } from '../commands/commandArgs';
import { isCancellation } from '../commands/errorMessages';
import type { LogSink, MetricsCursor, MetricsPage } from '../ports';
import type { RunsLocation } from '../runsLocation';
import { TimelineFeed } from '../trajectory/timelineFeed';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import { Disposable } from '../util/dispose';
import { renderFallbackHtml } from './fallbackHtml';
import { saveExportedFile } from '../webviewExport';
import { parseWebviewMessage } from './hostMessages';
import { createNonce } from './inspectorHtml';
import { initialStateFor, panelTitle, summarizeRun, type PanelInitialState, type PanelTarget } from './panelState';

/** A run whose metrics cannot be read starts empty, so the next read takes the whole file. */
const NO_METRICS: MetricsPage = { records: [], next: { offset: 0, line: 1 } };

export interface RenderInspectorHtml {
  (options: { cspSource: string; scriptUri: string; styleUri: string; nonce: string; initialState: PanelInitialState }): string;
}

export interface InspectorPanelDeps {
  readonly location: RunsLocation;
  readonly analysis: AnalysisService;
  readonly trajectories: TrajectoryService;
  readonly log: LogSink & { show(preserveFocus?: boolean): void };
  readonly extensionUri: vscode.Uri;
  readonly renderHtml: RenderInspectorHtml;
}

export const INSPECTOR_VIEW_TYPE = 'invertscope.inspector';
export const COMPARE_VIEW_TYPE = 'invertscope.compare';

/** Webview options: scripts on, and nothing loadable but the extension's media/ folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

/**
 * One inspector: a checkpoint, or two side by side. Nothing is posted before the
 * webview says 'ready' (it would be lost); a webview that reloads says 'ready'
 * again and gets the run again. Analyses are posted only when the webview asks
 * ('selectCheckpoint', 'requestCompare', 'retry'). Every await is followed by a disposed check,
 * since the person can close the panel at any moment.
 */
export class InspectorPanel extends Disposable {
  private ready = false;
  private disposing = false;
  private target: PanelTarget;
  /** Metric records already posted, per run. */
  /** Per run shown, where its metrics were read up to (what the webview has). */
  private readonly metricsSent = new Map<string, MetricsCursor>();
  private readonly aborter = new AbortController();
  private pendingReveal: ChartId | null = null;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly exportWaiters = new Map<string, (message: ExportMessage) => void>();
  /** The timeline card's run: its points, and the missing ones computed in the background. */
  private timeline: TimelineFeed | null = null;
  /** Analyses this panel waits for, and who waits for it to wait for none (the timeline computes only then). */
  private analysesInFlight = 0;
  private idleWaiters: Array<() => void> = [];

  static create(deps: InspectorPanelDeps, target: PanelTarget, column: vscode.ViewColumn): InspectorPanel {
    const viewType = target.compare ? COMPARE_VIEW_TYPE : INSPECTOR_VIEW_TYPE;
    const panel = vscode.window.createWebviewPanel(viewType, panelTitle(target), column, webviewOptions(deps.extensionUri));
    return new InspectorPanel(deps, panel, target);
  }

  /** A panel VS Code brought back after a reload; a string target says why it cannot be shown. */
  static restore(deps: InspectorPanelDeps, panel: vscode.WebviewPanel, target: PanelTarget | string): InspectorPanel | undefined {
    panel.webview.options = webviewOptions(deps.extensionUri);
    if (typeof target === 'string') {
      deps.log.warn(`inspector: not restoring a panel: ${target}`);
      panel.webview.html = renderFallbackHtml(panel.webview.cspSource, 'Invertscope Inspector', target);
      return undefined;
    }
    return new InspectorPanel(deps, panel, target);
  }

  private constructor(private readonly deps: InspectorPanelDeps, readonly panel: vscode.WebviewPanel, target: PanelTarget) {
    super();
    this.target = target;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)));
    this._register({ dispose: () => this.aborter.abort() });
    this._register({ dispose: () => { this.timeline?.dispose(); this.timeline = null; } });
    panel.webview.html = this.html();
  }

  override dispose(): void {
    if (this.isDisposed || this.disposing) return;
    this.disposing = true;
    // Listeners hear about it before the emitter itself is disposed with everything else.
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  get current(): PanelTarget {
    return this.target;
  }

  /** Whether this panel shows something of the run (to refresh it, or close it when the run is deleted). */
  shows(runId: string): boolean {
    return this.target.runId === runId || this.target.compare?.runId === runId;
  }

  reveal(chart?: ChartId): void {
    this.panel.reveal(undefined, false);
    if (chart) {
      if (this.ready) this.post({ type: 'revealChart', chart });
      else this.pendingReveal = chart;
    }
  }

  /**
   * Asks the webview to serialize a chart and waits for its `export` message;
   * rejects when the webview does not answer (it is not ready, or the chart has nothing to show).
   */
  requestExport(chart: ChartId | null, format: ExportFormat, timeoutMs = 15_000): Promise<ExportMessage> {
    if (!this.ready) return Promise.reject(new Error('the inspector is still loading; try again when it shows its charts'));
    const requestId = createNonce();
    return new Promise<ExportMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exportWaiters.delete(requestId);
        reject(new Error(`the inspector did not produce the ${chart ?? 'current'} chart as ${format} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.exportWaiters.set(requestId, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.post({ type: 'requestExport', requestId, chart, format });
    });
  }

  /** Saves an exported chart where the person chooses; answers the webview with the outcome. */
  async saveExport(message: ExportMessage): Promise<string | undefined> {
    let detail = 'cancelled';
    let ok = false;
    try {
      const saved = await saveExportedFile(message, this.deps.location.current.runDir(this.target.runId));
      if (!saved) return undefined;
      ok = true;
      detail = saved;
      this.deps.log.info(`inspector: exported ${message.chart} as ${saved}`);
      return saved;
    } catch (error) {
      detail = describeError(error);
      throw error;
    } finally {
      if (!this.isDisposed) this.post({ type: 'exportResult', requestId: message.requestId, ok, detail });
    }
  }

  /** Files of a run this panel shows changed on disk. */
  async runChanged(runId: string, metricsOnly: boolean): Promise<void> {
    if (!this.ready || !this.shows(runId)) return;
    if (!metricsOnly && this.timeline?.runId === runId) this.timeline.runChanged();
    try {
      if (!metricsOnly) {
        const run = await this.deps.location.current.readRun(runId);
        if (this.isDisposed) return;
        this.post({ type: 'run', run });
      }
      await this.postNewMetrics(runId);
    } catch (error) {
      if (this.isDisposed) return;
      if (isInvertscopeError(error, 'NOT_FOUND')) this.post({ type: 'error', message: `Run ${runId} no longer exists`, code: 'NOT_FOUND' });
      else this.deps.log.warn(`inspector: refreshing ${runId}: ${describeError(error)}`);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    return this.deps.renderHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dist', 'inspector.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'inspector.css')).toString(),
      nonce: createNonce(),
      initialState: initialStateFor(this.target),
    });
  }

  private post(message: HostMessage): void {
    if (this.isDisposed) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(data: unknown): void {
    const message = parseWebviewMessage(data);
    if (!message) {
      this.deps.log.warn(`inspector: ignoring a message that does not fit the protocol: ${JSON.stringify(data)?.slice(0, 200)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      if (!isCancellation(error)) this.deps.log.error(`inspector: handling '${message.type}': ${describeError(error)}`);
    });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.sendEverything();
        return;
      case 'selectCheckpoint':
        this.target = { ...this.target, runId: message.ref.runId, epoch: message.ref.epoch };
        this.panel.title = panelTitle(this.target);
        await this.sendAnalysis(message.ref, false);
        return;
      case 'requestCompare':
        this.target = { ...this.target, compare: message.ref };
        this.panel.title = panelTitle(this.target);
        await this.sendCompare(message.ref);
        return;
      case 'retry':
        await this.sendAnalysis(message.ref, true);
        return;
      case 'export': {
        const waiter = this.exportWaiters.get(message.requestId);
        if (waiter) {
          this.exportWaiters.delete(message.requestId);
          waiter(message);
          return;
        }
        await this.saveExport(message);
        return;
      }
      case 'openLog':
        this.deps.log.show(true);
        return;
      case 'watchTrajectory':
        this.watchTrajectory(message.runId);
        return;
    }
  }

  private watchTrajectory(runId: string): void {
    if (this.timeline?.runId !== runId) {
      this.timeline?.dispose();
      this.timeline = new TimelineFeed({
        store: () => this.deps.location.current,
        trajectories: this.deps.trajectories,
        log: this.deps.log,
        post: (message) => this.post(message),
        idle: () => this.analysesIdle(),
      }, runId);
    }
    void this.timeline.refresh();
  }

  /** Resolves once no analysis this panel asked for is on its way. */
  private analysesIdle(): Promise<void> {
    if (this.analysesInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async sendEverything(): Promise<void> {
    const store = this.deps.location.current;
    this.metricsSent.clear();
    let run: RunRecord;
    try {
      run = await store.readRun(this.target.runId);
    } catch (error) {
      if (this.isDisposed) return;
      this.post({ type: 'error', message: describeError(error), code: isInvertscopeError(error) ? error.code : undefined });
      return;
    }
    const [metrics, listing] = await Promise.all([
      store.readMetricsSince(run.id).catch(() => NO_METRICS),
      store.listRuns().catch(() => ({ runs: [run], damaged: [] })),
    ]);
    if (this.isDisposed) return;
    this.metricsSent.set(run.id, metrics.next);
    this.post({ type: 'init', run, metrics: metrics.records, runs: listing.runs.map(summarizeRun) });
    if (this.pendingReveal) {
      this.post({ type: 'revealChart', chart: this.pendingReveal });
      this.pendingReveal = null;
    }
    // No analysis follows: on 'init' the webview asks for the checkpoint (and the
    // compare target) it will show, which may be a restored choice rather than
    // this.target; answering here too would read and post every analysis twice.
  }

  private async sendCompare(ref: CheckpointRef): Promise<void> {
    if (!this.metricsSent.has(ref.runId)) {
      const store = this.deps.location.current;
      const [run, metrics] = await Promise.all([store.readRun(ref.runId), store.readMetricsSince(ref.runId).catch(() => NO_METRICS)]);
      if (this.isDisposed) return;
      this.metricsSent.set(ref.runId, metrics.next);
      this.post({ type: 'run', run, metrics: metrics.records });
    }
    await this.sendAnalysis(ref, false);
  }

  private async postNewMetrics(runId: string): Promise<void> {
    const sent = this.metricsSent.get(runId);
    if (sent === undefined) return;
    const page = await this.deps.location.current.readMetricsSince(runId, sent);
    if (this.isDisposed || page.records.length === 0) return;
    this.metricsSent.set(runId, page.next);
    this.post({ type: 'metrics', runId, records: page.records });
  }

  private async sendAnalysis(ref: CheckpointRef, force: boolean): Promise<void> {
    const store = this.deps.location.current;
    this.analysesInFlight++;
    try {
      const run = await store.readRun(ref.runId);
      const entry = checkpointEntry(run, ref);
      const target = { run, entry, file: store.checkpointPath(run.id, entry) };
      const onProgress = (message: string, fraction: number | null) => this.post({ type: 'analysisProgress', ref, message, fraction });
      const onPartial = (partial: PartialAnalysis) => this.post({ type: 'analysisPartial', ref, partial });
      const cached = force ? null : await this.deps.analysis.readCached(target);
      // A computation goes first in the analysis process: the timeline's point waits.
      if (!cached) this.timeline?.yieldToAnalysis();
      const analysis = cached ?? await this.deps.analysis.analyse(target, onProgress, this.aborter.signal, onPartial);
      if (this.isDisposed) return;
      this.post({ type: 'analysis', ref, analysis });
    } catch (error) {
      if (this.isDisposed || isCancellation(error)) return;
      this.deps.log.warn(`inspector: analysis of ${ref.runId} epoch ${ref.epoch}: ${describeError(error)}`);
      this.post({ type: 'analysisError', ref, message: describeError(error), code: isInvertscopeError(error) ? error.code : undefined });
    } finally {
      if (--this.analysesInFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}

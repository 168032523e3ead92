import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { ExportMessage, HostMessage, WebviewMessage } from '../../contracts/inspectorProtocol';
import type { ChartId, ExportFormat } from '../../shared/charts';
import type { AnalysisService } from '../analysis/analysisService';
import { isCancellation } from '../common/errorMessages';
import type { LogSink } from '../ports';
import type { RunsLocation } from '../runsLocation';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import { Disposable } from '../util/dispose';
import { AnalysisRequests } from './analysisRequests';
import { ChartExports } from './chartExports';
import { renderFallbackHtml } from './fallbackHtml';
import { parseWebviewMessage } from './hostMessages';
import { createNonce } from './inspectorHtml';
import type { PanelChannel } from './panelChannel';
import { initialStateFor, panelTitle, type PanelInitialState, type PanelTarget } from './panelState';
import { RunFeed } from './runFeed';
import { TimelineCard } from './timelineCard';

export interface RenderInspectorHtml {
  (options: {
    cspSource: string;
    scriptUri: string;
    styleUri: string;
    nonce: string;
    initialState: PanelInitialState;
  }): string;
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
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * One inspector: a checkpoint, or two side by side. The panel owns the webview's
 * lifetime and routes its messages; what it shows comes from its collaborators:
 * the runs and their metrics (RunFeed), the analyses asked for
 * (AnalysisRequests), the timeline card (TimelineCard) and figure exports
 * (ChartExports). Nothing is posted before the webview says 'ready' (it would be
 * lost); a webview that reloads says 'ready' again and gets the run again.
 * Analyses are posted only when the webview asks ('selectCheckpoint',
 * 'requestCompare', 'retry'). Every await is followed by a disposed check,
 * since the person can close the panel at any moment.
 */
export class InspectorPanel extends Disposable {
  private ready = false;
  private disposing = false;
  private target: PanelTarget;
  private pendingReveal: ChartId | null = null;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly aborter = new AbortController();
  private readonly channel: PanelChannel = { post: (message) => this.post(message), isDisposed: () => this.isDisposed };
  private readonly runs: RunFeed;
  private readonly analyses: AnalysisRequests;
  private readonly timeline: TimelineCard;
  private readonly exports: ChartExports;

  static create(deps: InspectorPanelDeps, target: PanelTarget, column: vscode.ViewColumn): InspectorPanel {
    const viewType = target.compare ? COMPARE_VIEW_TYPE : INSPECTOR_VIEW_TYPE;
    const panel = vscode.window.createWebviewPanel(
      viewType,
      panelTitle(target),
      column,
      webviewOptions(deps.extensionUri),
    );
    return new InspectorPanel(deps, panel, target);
  }

  /** A panel VS Code brought back after a reload; a string target says why it cannot be shown. */
  static restore(
    deps: InspectorPanelDeps,
    panel: vscode.WebviewPanel,
    target: PanelTarget | string,
  ): InspectorPanel | undefined {
    panel.webview.options = webviewOptions(deps.extensionUri);
    if (typeof target === 'string') {
      deps.log.warn(`inspector: not restoring a panel: ${target}`);
      panel.webview.html = renderFallbackHtml(panel.webview.cspSource, 'Invertscope Inspector', target);
      return undefined;
    }
    return new InspectorPanel(deps, panel, target);
  }

  private constructor(
    private readonly deps: InspectorPanelDeps,
    readonly panel: vscode.WebviewPanel,
    target: PanelTarget,
  ) {
    super();
    this.target = target;
    const store = () => deps.location.current;
    this.runs = new RunFeed(this.channel, store, deps.log);
    this.timeline = new TimelineCard(this.channel, {
      store,
      trajectories: deps.trajectories,
      log: deps.log,
      idle: () => this.analyses.idle(),
    });
    this.analyses = new AnalysisRequests(this.channel, {
      store,
      analysis: deps.analysis,
      log: deps.log,
      signal: this.aborter.signal,
      beforeCompute: () => this.timeline.yieldToAnalysis(),
    });
    this.exports = new ChartExports(this.channel, deps.log, () => deps.location.current.runDir(this.target.runId));
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)));
    this._register({ dispose: () => this.aborter.abort() });
    this._register(this.timeline);
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
    if (!this.ready)
      return Promise.reject(new Error('the inspector is still loading; try again when it shows its charts'));
    return this.exports.request(chart, format, timeoutMs);
  }

  /** Saves an exported chart where the person chooses; answers the webview with the outcome. */
  saveExport(message: ExportMessage): Promise<string | undefined> {
    return this.exports.save(message);
  }

  /** Files of a run this panel shows changed on disk. */
  async runChanged(runId: string, metricsOnly: boolean): Promise<void> {
    if (!this.ready || !this.shows(runId)) return;
    if (!metricsOnly) this.timeline.runChanged(runId);
    await this.runs.runChanged(runId, metricsOnly);
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
      this.deps.log.warn(
        `inspector: ignoring a message that does not fit the protocol: ${JSON.stringify(data)?.slice(0, 200)}`,
      );
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
        await this.sendInit();
        return;
      case 'selectCheckpoint':
        this.target = { ...this.target, runId: message.ref.runId, epoch: message.ref.epoch };
        this.panel.title = panelTitle(this.target);
        await this.analyses.send(message.ref, false);
        return;
      case 'requestCompare':
        this.target = { ...this.target, compare: message.ref };
        this.panel.title = panelTitle(this.target);
        await this.runs.sendRunOf(message.ref);
        if (this.isDisposed) return;
        await this.analyses.send(message.ref, false);
        return;
      case 'retry':
        await this.analyses.send(message.ref, true);
        return;
      case 'export':
        await this.exports.received(message);
        return;
      case 'openLog':
        this.deps.log.show(true);
        return;
      case 'watchTrajectory':
        this.timeline.watch(message.runId);
        return;
    }
  }

  private async sendInit(): Promise<void> {
    if (!(await this.runs.sendInit(this.target.runId))) return;
    if (this.pendingReveal) {
      this.post({ type: 'revealChart', chart: this.pendingReveal });
      this.pendingReveal = null;
    }
    // No analysis follows: on 'init' the webview asks for the checkpoint (and the
    // compare target) it will show, which may be a restored choice rather than
    // this.target; answering here too would read and post every analysis twice.
  }
}

import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { describeError, isInvertscopeError } from '../../core/errors';
import type { RunRecord } from '../../core/store/runTypes';
import type {
  DashboardExportMessage,
  DashboardHostMessage,
  DashboardRow,
  DashboardWebviewMessage,
} from '../../contracts/dashboardProtocol';
import { isCancellation } from '../common/errorMessages';
import { createNonce, renderWebviewPage } from '../inspector/inspectorHtml';
import { webviewOptions } from '../inspector/inspectorPanel';
import type { LogSink, MetricsCursor, RunStorePort } from '../ports';
import type { RunsLocation } from '../runsLocation';
import { latestPoint } from '../trajectory/latestPoint';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import type { ChangeBatch } from '../tree/runsFolderChanges';
import { Disposable } from '../util/dispose';
import { TaskLimiter } from '../util/taskLimiter';
import { saveExportedFile } from '../common/webviewExport';
import { parseDashboardMessage } from './dashboardMessages';
import { dashboardRow } from './dashboardRows';
import { LossTrackBuilder, stepsPerPoint } from './lossTrack';

export const DASHBOARD_VIEW_TYPE = 'invertscope.dashboard';
const DASHBOARD_TITLE = 'Invertscope Runs';

/** How long the first table waits for trajectory points already known before it goes without them. */
const POINTS_GRACE_MS = 150;

export interface DashboardDeps {
  readonly location: RunsLocation;
  readonly trajectories: TrajectoryService;
  readonly log: LogSink & { show(preserveFocus?: boolean): void };
  readonly extensionUri: vscode.Uri;
  /** Opens a run in the inspector (its latest checkpoint). */
  openRun(runId: string): void;
}

/** A run the overlay shows: where its metrics were read up to, and how its steps are grouped. */
interface Watched {
  next: MetricsCursor | null;
  readonly builder: LossTrackBuilder;
  /** The reads of this run, one after the other. */
  reads: Promise<void>;
}

/**
 * The runs dashboard: one table row per run of the runs folder, and the loss
 * and trajectories of the runs the person ticks. Nothing is posted before the
 * webview says 'ready'; a webview that reloads says it again and gets
 * everything again. Every await is followed by a disposed check.
 */
export class DashboardPanel extends Disposable {
  private ready = false;
  /** When the person asked for the panel (or the webview said ready again), for the timing in the log. */
  private openedAt = performance.now();
  /** What the webview has, by run id. */
  private readonly rows = new Map<string, DashboardRow>();
  private readonly watched = new Map<string, Watched>();
  /** Bumped by every full listing, so that an older, slower listing never overwrites a newer one. */
  private listGeneration = 0;
  private readonly metricsLimiter = new TaskLimiter(3);
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  static create(deps: DashboardDeps): DashboardPanel {
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      DASHBOARD_TITLE,
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    return new DashboardPanel(deps, panel);
  }

  /** The panel VS Code brought back after a reload; the webview restores its own choices. */
  static restore(deps: DashboardDeps, panel: vscode.WebviewPanel): DashboardPanel {
    panel.webview.options = webviewOptions(deps.extensionUri);
    return new DashboardPanel(deps, panel);
  }

  private constructor(
    private readonly deps: DashboardDeps,
    readonly panel: vscode.WebviewPanel,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)));
    this._register(deps.trajectories.onDidChange(({ runId }) => void this.trajectoryChanged(runId)));
    panel.webview.html = this.html();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  reveal(): void {
    this.openedAt = performance.now();
    this.panel.reveal(undefined, false);
  }

  /** The runs folder changed: everything shown belongs to another folder. */
  async runsFolderChanged(): Promise<void> {
    if (!this.ready) return;
    this.watched.clear();
    await this.sendInit();
  }

  /** Files in the runs folder changed (the watcher's batch). */
  async runsChanged(batch: ChangeBatch): Promise<void> {
    if (!this.ready) return;
    if (batch.root) await this.relist();
    await Promise.all(
      [...batch.runs].map(async ([runId, kind]) => {
        if (kind !== 'metrics' && !batch.root) await this.refreshRow(runId);
        if (this.watched.has(runId)) await this.postNewLoss(runId);
      }),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    return renderWebviewPage({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dist', 'inspector.js')).toString(),
      styleUris: [
        webview.asWebviewUri(vscode.Uri.joinPath(media, 'inspector.css')).toString(),
        webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString(),
      ],
      nonce: createNonce(),
      app: 'dashboard',
      title: DASHBOARD_TITLE,
      bootText: 'Listing the runs…',
      initialState: { title: DASHBOARD_TITLE },
    });
  }

  private post(message: DashboardHostMessage): void {
    if (this.isDisposed) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(data: unknown): void {
    const message = parseDashboardMessage(data);
    if (!message) {
      this.deps.log.warn(
        `dashboard: ignoring a message that does not fit the protocol: ${JSON.stringify(data)?.slice(0, 200)}`,
      );
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      if (!isCancellation(error)) this.deps.log.error(`dashboard: handling '${message.type}': ${describeError(error)}`);
    });
  }

  private async handle(message: DashboardWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.watched.clear();
        await this.sendInit();
        return;
      case 'watchRuns':
        await this.watch(message.runIds);
        return;
      case 'openRun':
        this.deps.openRun(message.runId);
        return;
      case 'tableShown':
        this.deps.log.info(
          `dashboard: table of ${message.rows} runs drawn ${message.renderMs.toFixed(0)} ms after its data arrived; ` +
            `${(performance.now() - this.openedAt).toFixed(0)} ms after the dashboard was asked for`,
        );
        return;
      case 'export':
        await this.saveExport(message);
        return;
      case 'openLog':
        this.deps.log.show(true);
        return;
    }
  }

  /**
   * Lists every run and posts the table. Trajectory points the tree has
   * already read come with it; the others follow in one `rows` message, so a
   * folder of hundreds of runs shows its table at once.
   */
  private async sendInit(): Promise<void> {
    const started = performance.now();
    const generation = ++this.listGeneration;
    const store = this.deps.location.current;
    const listing = await store.listRuns().catch((error: unknown) => {
      this.deps.log.error(`dashboard: listing runs in ${store.runsFolder}: ${describeError(error)}`);
      return { runs: [] as RunRecord[], damaged: [] };
    });
    if (this.isDisposed || generation !== this.listGeneration) return;
    const points = this.pointsOf(listing.runs);
    await Promise.race([points.all, new Promise((resolve) => setTimeout(resolve, POINTS_GRACE_MS))]);
    if (this.isDisposed || generation !== this.listGeneration) return;
    this.rows.clear();
    for (const run of listing.runs) this.rows.set(run.id, dashboardRow(run, points.known.get(run.id) ?? null));
    const listedMs = performance.now() - started;
    this.post({
      type: 'dashboardInit',
      runsFolder: store.runsFolder,
      rows: [...this.rows.values()],
      damaged: listing.damaged.length,
      listedMs,
    });
    this.deps.log.info(
      `dashboard: ${listing.runs.length} runs listed in ${listedMs.toFixed(0)} ms (${store.runsFolder})`,
    );
    await points.all;
    if (this.isDisposed || generation !== this.listGeneration) return;
    const upsert = listing.runs.flatMap((run) => this.rowIfChanged(run, points.known.get(run.id) ?? null));
    if (upsert.length > 0) this.post({ type: 'rows', upsert, removed: [], damaged: listing.damaged.length });
  }

  /** Lists again after runs appeared or vanished: only what changed is posted. */
  private async relist(): Promise<void> {
    const generation = ++this.listGeneration;
    const store = this.deps.location.current;
    let listing;
    try {
      listing = await store.listRuns();
    } catch (error) {
      this.deps.log.warn(`dashboard: listing runs in ${store.runsFolder}: ${describeError(error)}`);
      return;
    }
    const points = this.pointsOf(listing.runs);
    await points.all;
    if (this.isDisposed || generation !== this.listGeneration) return;
    const listed = new Set(listing.runs.map((r) => r.id));
    const removed = [...this.rows.keys()].filter((id) => !listed.has(id));
    for (const id of removed) {
      this.rows.delete(id);
      this.watched.delete(id);
    }
    const upsert = listing.runs.flatMap((run) => this.rowIfChanged(run, points.known.get(run.id) ?? null));
    if (upsert.length > 0 || removed.length > 0)
      this.post({ type: 'rows', upsert, removed, damaged: listing.damaged.length });
  }

  /** One run's record or files changed. */
  private async refreshRow(runId: string): Promise<void> {
    const store = this.deps.location.current;
    let run: RunRecord;
    try {
      run = await store.readRun(runId);
    } catch (error) {
      if (this.isDisposed) return;
      if (isInvertscopeError(error, 'NOT_FOUND')) await this.relist();
      else this.deps.log.warn(`dashboard: reading run ${runId}: ${describeError(error)}`);
      return;
    }
    const points = await this.deps.trajectories.points(run);
    if (this.isDisposed) return;
    const upsert = this.rowIfChanged(run, latestPoint(run, points));
    if (upsert.length > 0) this.post({ type: 'rows', upsert, removed: [] });
    if (this.watched.has(runId)) this.post({ type: 'runTrajectory', runId, points });
  }

  private async trajectoryChanged(runId: string): Promise<void> {
    if (!this.ready || !this.rows.has(runId)) return;
    await this.refreshRow(runId);
  }

  /** Starts reading every run's points; `known` fills in as reads finish. */
  private pointsOf(runs: readonly RunRecord[]): {
    all: Promise<unknown>;
    known: Map<string, ReturnType<typeof latestPoint>>;
  } {
    const known = new Map<string, ReturnType<typeof latestPoint>>();
    const all = Promise.all(
      runs.map(async (run) => {
        known.set(run.id, latestPoint(run, await this.deps.trajectories.points(run)));
      }),
    );
    return { all, known };
  }

  /** The run's new row, in a list, when it differs from what the webview has (and records it as sent). */
  private rowIfChanged(run: RunRecord, latest: ReturnType<typeof latestPoint>): DashboardRow[] {
    const row = dashboardRow(run, latest);
    const before = this.rows.get(run.id);
    if (before && JSON.stringify(before) === JSON.stringify(row)) return [];
    this.rows.set(run.id, row);
    return [row];
  }

  /** The overlay now shows `runIds`: runs new to it get their loss and trajectory, the others are forgotten. */
  private async watch(runIds: readonly string[]): Promise<void> {
    const wanted = new Set(runIds.filter((id) => this.rows.has(id)));
    for (const id of [...this.watched.keys()]) if (!wanted.has(id)) this.watched.delete(id);
    const store = this.deps.location.current;
    await Promise.all(
      [...wanted]
        .filter((id) => !this.watched.has(id))
        .map(async (runId) => {
          const row = this.rows.get(runId) as DashboardRow;
          const watched: Watched = {
            next: null,
            builder: new LossTrackBuilder(stepsPerPoint(row.epochs * row.stepsPerEpoch)),
            reads: Promise.resolve(),
          };
          this.watched.set(runId, watched);
          await Promise.all([this.postNewLoss(runId, watched), this.postTrajectory(store, runId)]);
        }),
    );
  }

  private async postTrajectory(store: RunStorePort, runId: string): Promise<void> {
    try {
      const run = await store.readRun(runId);
      const points = await this.deps.trajectories.points(run);
      if (this.isDisposed || !this.watched.has(runId)) return;
      this.post({ type: 'runTrajectory', runId, points });
    } catch (error) {
      if (!this.isDisposed) this.deps.log.warn(`dashboard: trajectory of ${runId}: ${describeError(error)}`);
    }
  }

  /**
   * Posts the loss a watched run wrote since the last read (all of it the
   * first time). Reads of one run follow each other, so each starts where the
   * previous one stopped; a run no longer watched (or watched anew) drops them.
   */
  private postNewLoss(runId: string, watched = this.watched.get(runId)): Promise<void> {
    if (!watched) return Promise.resolve();
    watched.reads = watched.reads.then(() =>
      this.metricsLimiter.run(async () => {
        if (this.isDisposed || this.watched.get(runId) !== watched) return;
        const first = watched.next === null;
        let page;
        try {
          page = await this.deps.location.current.readMetricsSince(runId, watched.next ?? undefined);
        } catch (error) {
          if (!this.isDisposed) this.deps.log.warn(`dashboard: metrics of ${runId}: ${describeError(error)}`);
          return;
        }
        if (this.isDisposed || this.watched.get(runId) !== watched) return;
        watched.next = page.next;
        const track = watched.builder.add(page.records);
        if (first || track.stepX.length > 0 || track.epochs.length > 0)
          this.post({ type: 'runLoss', runId, track, replace: first });
      }),
    );
    return watched.reads;
  }

  private async saveExport(message: DashboardExportMessage): Promise<void> {
    let ok = false;
    let detail = 'cancelled';
    try {
      const saved = await saveExportedFile(message, this.deps.location.current.runsFolder);
      if (saved) {
        ok = true;
        detail = saved;
        this.deps.log.info(`dashboard: exported ${message.chart} as ${saved}`);
      }
    } catch (error) {
      detail = describeError(error);
      this.deps.log.warn(`dashboard: exporting ${message.chart}: ${detail}`);
    } finally {
      this.post({ type: 'exportResult', requestId: message.requestId, ok, detail });
    }
  }
}

import * as vscode from 'vscode';
import { isInvertscopeError } from '../../core/errors';
import type { AnalysisService } from '../analysis/analysisService';
import { CONTEXT_KEYS } from '../common/commandIds';
import type { LogSink, MetricsCursor } from '../ports';
import type { RunsLocation } from '../runsLocation';
import { progressFromMetrics, type LiveProgress } from '../training/liveProgress';
import type { TrainingController } from '../training/trainingController';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import { Disposable } from '../util/dispose';
import type { CheckpointNode } from './checkpointNode';
import { DamagedRunNode } from './damagedRunNode';
import { RunNode } from './runNode';
import type { ChangeBatch } from './runsFolderChanges';
import type { TreeNode } from './treeNode';
import { MessageNode, type TreeContext } from './treeNode';
import { sortRuns } from './treePresentation';

/**
 * The Runs view: run → checkpoints → layers. Changes on disk and training
 * progress refresh only the node they concern; only runs appearing or
 * vanishing refresh the root.
 */
export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly runs = new Map<string, RunNode>();
  /** For runs followed through their files: where their metrics were read up to, and what that showed. */
  private readonly metricsSeen = new Map<
    string,
    { readonly next: MetricsCursor; readonly live: LiveProgress | null }
  >();
  private readonly context: TreeContext;
  /** A root refresh was asked for and VS Code has not read the root again yet. */
  private rootRefreshPending = false;
  private readonly rootListedEmitter = this._register(
    new vscode.EventEmitter<{ readonly entries: number; readonly askedAt: number }>(),
  );
  /** Fires each time the view's top level has been listed: the number of entries, and when VS Code asked (performance.now()). */
  readonly onDidListRoot = this.rootListedEmitter.event;

  constructor(
    private readonly location: RunsLocation,
    analysis: AnalysisService,
    trajectories: TrajectoryService,
    private readonly training: TrainingController,
    private readonly log: LogSink,
  ) {
    super();
    this.context = {
      store: () => location.current,
      analysis,
      trajectories,
      log,
      changed: (node) => this.changeEmitter.fire(node),
    };
    this._register(
      location.onDidChange(() => {
        this.runs.clear();
        this.metricsSeen.clear();
        this.changeEmitter.fire(undefined);
      }),
    );
    this._register(
      training.onDidChange((t) => {
        if (t.runId) this.setLive(t.runId, t.progress);
      }),
    );
    this._register(training.onDidWriteCheckpoint(({ runId }) => void this.refreshRun(runId)));
    this._register(
      training.onDidEnd(({ training: t }) => {
        if (t.runId) void this.refreshRun(t.runId);
      }),
    );
    this._register(
      analysis.onDidComplete(({ runId, epoch }) => {
        this.findCheckpoint(runId, epoch)?.reload();
      }),
    );
    this._register(trajectories.onDidChange(({ runId }) => this.runs.get(runId)?.loadTrajectory()));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return node ? node.getChildren() : this.rootChildren();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  findRun(runId: string): RunNode | undefined {
    return this.runs.get(runId);
  }

  findCheckpoint(runId: string, epoch: number): CheckpointNode | undefined {
    return this.runs.get(runId)?.checkpoint(epoch);
  }

  /** Every run node listed now (after the first load). */
  listedRuns(): RunNode[] {
    return [...this.runs.values()];
  }

  refreshAll(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Re-reads one run; the root refreshes only when the run appeared or vanished. */
  async refreshRun(runId: string, kind: 'record' | 'metrics' | 'files' = 'record'): Promise<void> {
    const node = this.runs.get(runId);
    let record;
    try {
      record = await this.location.current.readRun(runId);
    } catch (error) {
      if (!isInvertscopeError(error, 'NOT_FOUND'))
        this.log.warn(`reading run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
      if (node) this.changeEmitter.fire(undefined);
      return;
    }
    if (this.isDisposed) return;
    if (!node) {
      this.changeEmitter.fire(undefined);
      return;
    }
    node.update(record);
    node.loadTrajectory();
    if (kind === 'files') node.reloadCheckpoints();
    if (record.status === 'running' && !this.training.findByRun(runId))
      node.live = await this.liveFromFiles(runId, record.config.epochs);
    if (this.isDisposed) return;
    this.changeEmitter.fire(node);
  }

  async applyChanges(batch: ChangeBatch): Promise<void> {
    if (batch.root) {
      this.changeEmitter.fire(undefined);
      return;
    }
    await Promise.all([...batch.runs].map(([runId, kind]) => this.refreshRun(runId, kind)));
  }

  /** Progress of a run this extension trains, from the trainer's messages. */
  setLive(runId: string, progress: LiveProgress | null): void {
    const node = this.runs.get(runId);
    if (!node) {
      // A run that just started is not listed yet: list the root again, once, not on every step.
      if (!this.rootRefreshPending) {
        this.rootRefreshPending = true;
        this.changeEmitter.fire(undefined);
      }
      return;
    }
    node.live = progress;
    if (node.record.status !== 'running') {
      // The record on disk is older than the message: read it again rather than show a stale status.
      void this.refreshRun(runId);
      return;
    }
    this.changeEmitter.fire(node);
  }

  private async rootChildren(): Promise<TreeNode[]> {
    const askedAt = performance.now();
    this.rootRefreshPending = false;
    const store = this.location.current;
    let listing;
    try {
      listing = await store.listRuns();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`listing runs in ${store.runsFolder}: ${message}`);
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.runsLoaded, true);
      return [new MessageNode('Could not read the runs folder', `${store.runsFolder}: ${message}`)];
    }
    if (this.isDisposed || store !== this.location.current) return [];
    const listed = new Set<string>();
    const nodes: TreeNode[] = [];
    for (const record of sortRuns(listing.runs)) {
      listed.add(record.id);
      let node = this.runs.get(record.id);
      if (node) node.update(record);
      else {
        node = new RunNode(record, null, this.context);
        this.runs.set(record.id, node);
      }
      node.loadTrajectory();
      const active = this.training.findByRun(record.id);
      if (active) node.live = active.progress;
      else if (record.status === 'running' && node.live === null)
        node.live = await this.liveFromFiles(record.id, record.config.epochs);
      nodes.push(node);
    }
    for (const id of [...this.runs.keys()]) if (!listed.has(id)) this.runs.delete(id);
    for (const id of [...this.metricsSeen.keys()]) if (!listed.has(id)) this.metricsSeen.delete(id);
    for (const damaged of listing.damaged) nodes.push(new DamagedRunNode(damaged));
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasRuns, nodes.length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.runsLoaded, true);
    this.rootListedEmitter.fire({ entries: nodes.length, askedAt });
    return nodes;
  }

  /**
   * A run trained elsewhere (the CLI): its progress from the last metric it
   * wrote. Only what was appended since the last look is read; with nothing
   * new the progress stays as it was.
   */
  private async liveFromFiles(runId: string, totalEpochs: number): Promise<LiveProgress | null> {
    const seen = this.metricsSeen.get(runId);
    try {
      const page = await this.location.current.readMetricsSince(runId, seen?.next);
      if (page.records.length === 0) return seen?.live ?? null;
      const live = progressFromMetrics(page.records, totalEpochs);
      this.metricsSeen.set(runId, { next: page.next, live });
      return live;
    } catch {
      return null;
    }
  }
}

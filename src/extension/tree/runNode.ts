import type * as vscode from 'vscode';
import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { RunRecord } from '../../core/store/runTypes';
import { latestPoint } from '../trajectory/latestPoint';
import { CheckpointNode } from './checkpointNode';
import { TreeNode, treeItemFromView, type TreeContext } from './treeNode';
import type { LiveProgress } from '../training/liveProgress';
import { runView } from './treePresentation';

/**
 * A training run. The instance lives as long as the run is listed, so that
 * refreshing it (an element passed to onDidChangeTreeData) keeps its identity;
 * `update` swaps the record in place.
 */
export class RunNode extends TreeNode {
  readonly parent = undefined;
  private readonly checkpoints = new Map<number, CheckpointNode>();
  /** The run's trajectory points as last read (null: not read yet); they fill in descriptions. */
  private points: readonly TrajectoryPoint[] | null = null;
  /** Bumped by every read, so that an older, slower read never overwrites a newer one. */
  private pointsGeneration = 0;

  constructor(
    public record: RunRecord,
    public live: LiveProgress | null,
    private readonly context: TreeContext,
  ) {
    super();
  }

  get runId(): string {
    return this.record.id;
  }

  update(record: RunRecord): void {
    this.record = record;
    if (record.status !== 'running') this.live = null;
  }

  /**
   * Reads the run's trajectory points beside the tree (a few runs at a time) and
   * announces the node changed only when what its rows show changed, so listing
   * hundreds of unanalysed runs does not refresh each of them again.
   */
  loadTrajectory(): void {
    const generation = ++this.pointsGeneration;
    void this.context.trajectories.points(this.record).then((points) => {
      if (generation !== this.pointsGeneration) return;
      const before = pointsKey(this.points);
      this.points = points;
      if (pointsKey(points) !== before) this.context.changed(this);
    });
  }

  /** The point of a checkpoint, if it was read and belongs to the checkpoint file recorded now. */
  pointAt(epoch: number): TrajectoryPoint | null {
    const sha = this.record.checkpoints.find((c) => c.epoch === epoch)?.sha256;
    return this.points?.find((p) => p.epoch === epoch && p.checkpointSha256 === sha) ?? null;
  }

  /** After checkpoint files or cached analyses changed on disk. */
  reloadCheckpoints(): void {
    for (const checkpoint of this.checkpoints.values()) checkpoint.reload();
  }

  checkpoint(epoch: number): CheckpointNode | undefined {
    return this.checkpoints.get(epoch);
  }

  getTreeItem(): vscode.TreeItem {
    return treeItemFromView(runView(this.record, this.live, latestPoint(this.record, this.points ?? [])), this);
  }

  async getChildren(): Promise<TreeNode[]> {
    const nodes: CheckpointNode[] = [];
    const seen = new Set<number>();
    for (const entry of [...this.record.checkpoints].sort((a, b) => a.epoch - b.epoch)) {
      seen.add(entry.epoch);
      let node = this.checkpoints.get(entry.epoch);
      if (!node) {
        node = new CheckpointNode(this, entry, this.context);
        this.checkpoints.set(entry.epoch, node);
      } else if (node.entry.sha256 !== entry.sha256) {
        node.entry = entry;
        node.forget();
      } else {
        node.entry = entry;
      }
      nodes.push(node);
    }
    for (const epoch of [...this.checkpoints.keys()]) if (!seen.has(epoch)) this.checkpoints.delete(epoch);
    return nodes;
  }
}

/** What the rows show of a run's points: which checkpoints have one, of which file, and their verdicts. */
function pointsKey(points: readonly TrajectoryPoint[] | null): string {
  return points === null
    ? ''
    : points
        .map((p) => `${p.epoch}:${p.checkpointSha256}:${p.jacobian.cond}:${p.roundTrips.float32.brokenFraction}`)
        .join(',');
}

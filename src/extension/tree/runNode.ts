import type * as vscode from 'vscode';
import type { RunRecord } from '../../core/store/runTypes';
import { CheckpointNode } from './checkpointNode';
import { TreeNode, treeItemFromView, type TreeContext } from './treeNode';
import { runView, type LiveProgress } from './treePresentation';

/**
 * A training run. The instance lives as long as the run is listed, so that
 * refreshing it (an element passed to onDidChangeTreeData) keeps its identity;
 * `update` swaps the record in place.
 */
export class RunNode extends TreeNode {
  readonly parent = undefined;
  private readonly checkpoints = new Map<number, CheckpointNode>();

  constructor(public record: RunRecord, public live: LiveProgress | null, private readonly context: TreeContext) {
    super();
  }

  get runId(): string {
    return this.record.id;
  }

  update(record: RunRecord): void {
    this.record = record;
    if (record.status !== 'running') this.live = null;
  }

  /** After checkpoint files or cached analyses changed on disk. */
  reloadCheckpoints(): void {
    for (const checkpoint of this.checkpoints.values()) checkpoint.reload();
  }

  checkpoint(epoch: number): CheckpointNode | undefined {
    return this.checkpoints.get(epoch);
  }

  getTreeItem(): vscode.TreeItem {
    return treeItemFromView(runView(this.record, this.live), this);
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

import type * as vscode from 'vscode';
import type { CheckpointNode } from './checkpointNode';
import { TreeNode, treeItemFromView } from './treeNode';
import { layerView, type LayerFigures } from './treePresentation';

/** One Linear layer of a checkpoint, with its condition number when analysed. */
export class LayerNode extends TreeNode {
  constructor(
    readonly parent: CheckpointNode,
    readonly index: number,
    private readonly spectrum: LayerFigures | null | 'reading',
  ) {
    super();
  }

  get runId(): string {
    return this.parent.runId;
  }

  get epoch(): number {
    return this.parent.epoch;
  }

  getTreeItem(): vscode.TreeItem {
    return treeItemFromView(layerView(this.parent.parent.record, this.parent.entry, this.index, this.spectrum), this);
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}

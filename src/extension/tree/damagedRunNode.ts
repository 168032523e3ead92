import type * as vscode from 'vscode';
import type { DamagedRun } from '../ports';
import { TreeNode, treeItemFromView } from './treeNode';
import { damagedRunView } from './treePresentation';

/** A run folder the store cannot read; offers Reveal and Delete so the person can fix or remove it. */
export class DamagedRunNode extends TreeNode {
  readonly parent = undefined;

  constructor(readonly damaged: DamagedRun) {
    super();
  }

  get runId(): string {
    return this.damaged.id;
  }

  getTreeItem(): vscode.TreeItem {
    return treeItemFromView(damagedRunView(this.damaged.id, this.damaged.folder, this.damaged.message), this);
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}

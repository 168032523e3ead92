import type * as vscode from 'vscode';
import type { LayerSpectrum } from '../../core/analysis/types';
import type { CheckpointEntry } from '../../core/store/runTypes';
import type { CheckpointTarget } from '../ports';
import { LayerNode } from './layerNode';
import type { RunNode } from './runNode';
import { TreeNode, treeItemFromView, type TreeContext } from './treeNode';
import { checkpointView } from './treePresentation';

/**
 * A checkpoint of a run. Its layers' spectra come from the cached analysis,
 * read when the node is first expanded and again after `invalidate()`.
 */
export class CheckpointNode extends TreeNode {
  /** undefined: not read yet; null: no cached analysis. */
  private spectra: readonly LayerSpectrum[] | null | undefined = undefined;

  constructor(readonly parent: RunNode, public entry: CheckpointEntry, private readonly context: TreeContext) {
    super();
  }

  get runId(): string {
    return this.parent.runId;
  }

  get epoch(): number {
    return this.entry.epoch;
  }

  target(): CheckpointTarget {
    return { run: this.parent.record, entry: this.entry, file: this.context.store().checkpointPath(this.runId, this.entry) };
  }

  /** Forget what was read, so the next expansion reads the cache again. */
  invalidate(): void {
    this.spectra = undefined;
  }

  getTreeItem(): vscode.TreeItem {
    return treeItemFromView(checkpointView(this.parent.record, this.entry, this.spectra === undefined ? null : this.spectra !== null), this);
  }

  async getChildren(): Promise<TreeNode[]> {
    if (this.spectra === undefined) {
      const before = this.spectra;
      try {
        const analysis = await this.context.analysis.readCached(this.target());
        this.spectra = analysis ? analysis.layers : null;
      } catch (error) {
        this.context.log.warn(`reading the cached analysis of ${this.runId} epoch ${this.epoch}: ${error instanceof Error ? error.message : String(error)}`);
        this.spectra = null;
      }
      // The checkpoint's own row shows whether it is analysed; update it once that is known.
      if (before !== this.spectra) this.context.changed(this);
    }
    const layerCount = this.parent.record.config.architecture.layers.length;
    return Array.from({ length: layerCount }, (_, i) => new LayerNode(this, i, this.spectra?.[i] ?? null));
  }
}

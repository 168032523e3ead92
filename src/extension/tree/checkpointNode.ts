import type * as vscode from 'vscode';
import type { LayerSpectrum } from '../../core/analysis/types';
import type { CheckpointEntry } from '../../core/store/runTypes';
import type { CheckpointTarget } from '../ports';
import { LayerNode } from './layerNode';
import type { RunNode } from './runNode';
import { TreeNode, treeItemFromView, type TreeContext } from './treeNode';
import { checkpointView } from './treePresentation';

const EXPANSION_SETTLE_MS = 300;

/**
 * A checkpoint of a run. Its layers' spectra come from the cached analysis,
 * read in the background when the node is first expanded and again after
 * `reload()`; the node announces itself changed when a read is in.
 */
export class CheckpointNode extends TreeNode {
  /** undefined: not read yet; null: no cached analysis. */
  private spectra: readonly LayerSpectrum[] | null | undefined = undefined;
  /** Bumped by every read, so that an older, slower read never overwrites a newer one. */
  private readGeneration = 0;
  private reading = false;
  /** When the layers were last answered as still being read (ms since the epoch). */
  private pendingAnsweredAt = 0;

  constructor(
    readonly parent: RunNode,
    public entry: CheckpointEntry,
    private readonly context: TreeContext,
  ) {
    super();
  }

  get runId(): string {
    return this.parent.runId;
  }

  get epoch(): number {
    return this.entry.epoch;
  }

  target(): CheckpointTarget {
    return {
      run: this.parent.record,
      entry: this.entry,
      file: this.context.store().checkpointPath(this.runId, this.entry),
    };
  }

  /** The cached analysis may have changed: read it again if it was read, showing the old spectra meanwhile. */
  reload(): void {
    if (this.spectra !== undefined || this.reading) this.startRead();
  }

  /** The checkpoint file itself changed: what was read belongs to another file. */
  forget(): void {
    this.readGeneration++;
    this.reading = false;
    this.spectra = undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const analysed = this.spectra === undefined ? null : this.spectra !== null;
    return treeItemFromView(
      checkpointView(this.parent.record, this.entry, analysed, this.parent.pointAt(this.epoch)),
      this,
    );
  }

  /**
   * Never waits on I/O: if the run is refreshed (training progress, files
   * changing) while VS Code waits for these children, VS Code files the late
   * answer under a node it has already dropped, and its next fetch fails with
   * "Element with id … is already registered". So the cache is read beside
   * the tree, and the layers say so meanwhile.
   */
  async getChildren(): Promise<TreeNode[]> {
    if (this.spectra === undefined && !this.reading) this.startRead();
    const layerCount = this.parent.record.config.architecture.layers.length;
    const spectra = this.spectra;
    if (spectra === undefined) this.pendingAnsweredAt = Date.now();
    // Without a full analysis, the trajectory point's per-layer figures are the same four numbers.
    const point = this.parent.pointAt(this.epoch);
    return Array.from(
      { length: layerCount },
      (_, i) => new LayerNode(this, i, spectra === undefined ? 'reading' : (spectra?.[i] ?? point?.layers[i] ?? null)),
    );
  }

  private startRead(): void {
    const generation = ++this.readGeneration;
    this.reading = true;
    void this.readSpectra().then((spectra) => {
      if (generation !== this.readGeneration) return;
      this.reading = false;
      this.spectra = spectra;
      // A refresh that reaches VS Code while it is still expanding this node with the
      // answer it just got is dropped, leaving "reading analysis…" on screen: let it settle.
      const wait = this.pendingAnsweredAt + EXPANSION_SETTLE_MS - Date.now();
      if (wait > 0) setTimeout(() => this.context.changed(this), wait);
      else this.context.changed(this);
    });
  }

  private async readSpectra(): Promise<readonly LayerSpectrum[] | null> {
    try {
      const analysis = await this.context.analysis.readCached(this.target());
      return analysis ? analysis.layers : null;
    } catch (error) {
      this.context.log.warn(
        `reading the cached analysis of ${this.runId} epoch ${this.epoch}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    }
  }
}

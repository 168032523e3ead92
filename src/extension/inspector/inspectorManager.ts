import * as vscode from 'vscode';
import type { ChartId } from '../../shared/charts';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { Disposable } from '../util/dispose';
import { COMPARE_VIEW_TYPE, INSPECTOR_VIEW_TYPE, InspectorPanel, type InspectorPanelDeps } from './inspectorPanel';
import { parseRestoredState, sameTarget, type PanelTarget } from './panelState';

/**
 * All inspector panels: one per checkpoint (opening it again reveals the
 * existing one), compare panels for two, and the ones VS Code restores after a
 * window reload.
 */
export class InspectorManager extends Disposable {
  private readonly panels = new Set<InspectorPanel>();
  private active: InspectorPanel | undefined;

  constructor(private readonly deps: InspectorPanelDeps) {
    super();
    for (const viewType of [INSPECTOR_VIEW_TYPE, COMPARE_VIEW_TYPE]) {
      this._register(
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: async (panel, state: unknown) => {
            const restored = InspectorPanel.restore(this.deps, panel, parseRestoredState(state));
            if (restored) this.track(restored);
          },
        }),
      );
    }
    this._register({
      dispose: () => {
        for (const panel of [...this.panels]) panel.dispose();
      },
    });
  }

  /** Shows a checkpoint (epoch null: the latest), optionally scrolled to one chart. */
  open(runId: string, epoch: number | null, chart?: ChartId): InspectorPanel {
    return this.openTarget({ runId, epoch, compare: null }, chart);
  }

  openCompare(left: CheckpointRef, right: CheckpointRef): InspectorPanel {
    return this.openTarget({ runId: left.runId, epoch: left.epoch, compare: right });
  }

  /** The panel the person looked at last, if it is still open. */
  activePanel(): InspectorPanel | undefined {
    return this.active;
  }

  /** Closes the panels that show a run (it was deleted). */
  closeRun(runId: string): void {
    for (const panel of [...this.panels]) if (panel.shows(runId)) panel.dispose();
  }

  /** A run's files changed: panels that show it read what changed. */
  runChanged(runId: string, metricsOnly: boolean): void {
    for (const panel of this.panels) void panel.runChanged(runId, metricsOnly);
  }

  list(): InspectorPanel[] {
    return [...this.panels];
  }

  private openTarget(target: PanelTarget, chart?: ChartId): InspectorPanel {
    const existing = [...this.panels].find((panel) => sameTarget(panel.current, target));
    if (existing) {
      existing.reveal(chart);
      return existing;
    }
    const panel = this.track(InspectorPanel.create(this.deps, target, vscode.ViewColumn.Active));
    if (chart) panel.reveal(chart);
    return panel;
  }

  private track(panel: InspectorPanel): InspectorPanel {
    this.panels.add(panel);
    this.active = panel;
    const viewState = panel.panel.onDidChangeViewState((event) => {
      if (event.webviewPanel.active) this.active = panel;
    });
    panel.onDidDispose(() => {
      viewState.dispose();
      this.panels.delete(panel);
      if (this.active === panel) this.active = undefined;
    });
    return panel;
  }
}

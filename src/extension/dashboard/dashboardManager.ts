import * as vscode from 'vscode';
import type { ChangeBatch } from '../tree/runsFolderChanges';
import { Disposable } from '../util/dispose';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, type DashboardDeps } from './dashboardPanel';

/**
 * The runs dashboard: one panel for the whole runs folder (opening it again
 * reveals it), brought back by VS Code after a window reload.
 */
export class DashboardManager extends Disposable {
  private panel: DashboardPanel | undefined;

  constructor(private readonly deps: DashboardDeps) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          if (this.panel) {
            // A second restored dashboard would show the same folder twice.
            panel.dispose();
            return;
          }
          this.track(DashboardPanel.restore(this.deps, panel));
        },
      }),
    );
    this._register({ dispose: () => this.panel?.dispose() });
  }

  open(): DashboardPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    return this.track(DashboardPanel.create(this.deps));
  }

  current(): DashboardPanel | undefined {
    return this.panel;
  }

  runsChanged(batch: ChangeBatch): void {
    void this.panel?.runsChanged(batch);
  }

  runsFolderChanged(): void {
    void this.panel?.runsFolderChanged();
  }

  private track(panel: DashboardPanel): DashboardPanel {
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    return panel;
  }
}

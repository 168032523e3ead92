import type * as vscode from 'vscode';
import type { AnalysisService } from './analysis/analysisService';
import type { FailureReporter } from './common/failureReporter';
import type { DashboardManager } from './dashboard/dashboardManager';
import type { SettingsStore } from './config/settingsStore';
import type { InspectorManager } from './inspector/inspectorManager';
import type { DatasetPort } from './ports';
import type { RunsLocation } from './runsLocation';
import type { TrainingController } from './training/trainingController';
import type { TrajectoryService } from './trajectory/trajectoryService';
import type { TreeNode } from './tree/treeNode';
import type { RunsTreeProvider } from './tree/runsTreeProvider';

/** What commands work with; built once in activate(). */
export interface Services {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: SettingsStore;
  readonly location: RunsLocation;
  readonly training: TrainingController;
  readonly analysis: AnalysisService;
  readonly dataset: DatasetPort;
  readonly tree: RunsTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly inspectors: InspectorManager;
  readonly dashboard: DashboardManager;
  readonly trajectories: TrajectoryService;
  readonly failures: FailureReporter;
}

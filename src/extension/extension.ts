import * as vscode from 'vscode';
import { createPorts } from './adapters/ports';
import { AnalysisService } from './analysis/analysisService';
import type { InvertscopeApi } from './api';
import { VIEW_IDS } from './common/commandIds';
import { CommandManager } from './commands/commandManager';
import { FailureReporter } from './common/failureReporter';
import { registerCommands } from './commands/registerCommands';
import { SettingsStore } from './config/settingsStore';
import { DashboardManager } from './dashboard/dashboardManager';
import { renderInspectorHtml } from './inspector/inspectorHtml';
import { InspectorManager } from './inspector/inspectorManager';
import type { LogSink, RunStorePort } from './ports';
import { RunsLocation } from './runsLocation';
import type { Services } from './services';
import { TrainingController } from './training/trainingController';
import { TrainingStatusBar } from './training/trainingStatusBar';
import { TrajectoryService } from './trajectory/trajectoryService';
import { RunsFolderWatcher } from './tree/runsFolderWatcher';
import { RunsTreeProvider } from './tree/runsTreeProvider';

/** Wires the parts together; each part owns its listeners and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): InvertscopeApi {
  const activated = performance.now();
  const log = vscode.window.createOutputChannel('Invertscope', { log: true });
  const ports = createPorts(log, () => vscode.workspace.isTrusted);
  const settings = new SettingsStore(context.globalStorageUri);
  const location = new RunsLocation(settings, ports.openRunStore);
  const training = new TrainingController(ports.trainer, log);
  const analysis = new AnalysisService(ports.analysis, () => settings.current.analysis, log);
  const trajectories = new TrajectoryService(ports.trajectory, () => location.current, log);
  const tree = new RunsTreeProvider(location, analysis, trajectories, training, log);
  const treeView = vscode.window.createTreeView(VIEW_IDS.runs, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const watcher = new RunsFolderWatcher(location, settings, log);
  const inspectors = new InspectorManager({
    location,
    analysis,
    trajectories,
    log,
    extensionUri: context.extensionUri,
    renderHtml: renderInspectorHtml,
  });
  const dashboard = new DashboardManager({
    location,
    trajectories,
    log,
    extensionUri: context.extensionUri,
    openRun: (runId) => inspectors.open(runId, null),
  });
  const failures = new FailureReporter(log);
  const services: Services = {
    extension: context,
    log,
    settings,
    location,
    training,
    analysis,
    dataset: ports.dataset,
    tree,
    treeView,
    inspectors,
    dashboard,
    trajectories,
    failures,
  };
  const commands = new CommandManager(failures);
  registerCommands(commands, services);

  context.subscriptions.push(
    ports,
    settings,
    location,
    training,
    analysis,
    trajectories,
    tree,
    treeView,
    watcher,
    inspectors,
    dashboard,
    commands,
    new TrainingStatusBar(training),
    watcher.onDidChange((batch) => {
      // First, so that the views' reads below see the new points.
      for (const [runId, kind] of batch.runs) if (kind === 'files') trajectories.invalidate(runId);
      void tree.applyChanges(batch);
      dashboard.runsChanged(batch);
      for (const [runId, kind] of batch.runs) inspectors.runChanged(runId, kind === 'metrics');
    }),
    settings.onDidChange(() => analysis.forget()),
    location.onDidChange((store) => {
      trajectories.forgetAll();
      dashboard.runsFolderChanged();
      void reconcileStaleRuns(store, log, tree);
    }),
    // In Restricted Mode the store port reconciles nothing; once trusted, do what activation skipped.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void reconcileStaleRuns(location.current, log, tree)),
    // Last, so that what is disposed before it can still log.
    log,
  );
  log.info(
    `Invertscope ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in ${(performance.now() - activated).toFixed(0)} ms; runs folder ${location.current.runsFolder}`,
  );
  let populated: number | null = null;
  const firstListing = tree.onDidListRoot(({ entries, askedAt }) => {
    populated = performance.now() - activated;
    log.info(
      `Runs view populated ${populated.toFixed(0)} ms after activate() began (${entries} ${entries === 1 ? 'entry' : 'entries'}; ` +
        `VS Code asked for them at ${(askedAt - activated).toFixed(0)} ms)`,
    );
    firstListing.dispose();
  });
  context.subscriptions.push(firstListing);
  void reconcileStaleRuns(location.current, log, tree);

  return {
    runsTree: tree,
    runsFolder: () => location.current.runsFolder,
    settings: () => settings.current,
    registeredCommands: () => commands.registered(),
    runsViewPopulatedMs: () => populated,
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions, which VS Code disposes.
}

/** Runs left 'running' by a trainer that died (a crash, a closed window) are marked failed. */
async function reconcileStaleRuns(store: RunStorePort, log: LogSink, tree: RunsTreeProvider): Promise<void> {
  try {
    const marked = await store.reconcileStaleRuns();
    if (marked.length === 0) return;
    log.warn(`marked ${marked.length} run(s) whose training process is gone as failed: ${marked.join(', ')}`);
    tree.refreshAll();
  } catch (error) {
    log.warn(
      `checking for stale runs in ${store.runsFolder}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

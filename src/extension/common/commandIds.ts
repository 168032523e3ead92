/** Every command the extension contributes; package.json declares the same ids. */
export const COMMAND_IDS = {
  trainModel: 'invertscope.trainModel',
  stopTraining: 'invertscope.stopTraining',
  resumeTraining: 'invertscope.resumeTraining',
  showTrainingActions: 'invertscope.showTrainingActions',
  openInspector: 'invertscope.openInspector',
  openDashboard: 'invertscope.openDashboard',
  analyseCheckpoint: 'invertscope.analyseCheckpoint',
  reconstruct: 'invertscope.reconstruct',
  generate: 'invertscope.generate',
  compareCheckpoints: 'invertscope.compareCheckpoints',
  exportFigure: 'invertscope.exportFigure',
  deleteRun: 'invertscope.deleteRun',
  revealRun: 'invertscope.revealRun',
  refreshRuns: 'invertscope.refreshRuns',
  importCheckpoint: 'invertscope.importCheckpoint',
  downloadMnist: 'invertscope.downloadMnist',
  selectBackend: 'invertscope.selectBackend',
  showLog: 'invertscope.showLog',
} as const;

export type CommandId = (typeof COMMAND_IDS)[keyof typeof COMMAND_IDS];

/** View and panel ids shared by the manifest, the code and the tests. */
export const VIEW_IDS = {
  container: 'invertscope',
  runs: 'invertscope.runs',
  inspectorPanel: 'invertscope.inspector',
  comparePanel: 'invertscope.compare',
  dashboardPanel: 'invertscope.dashboard',
} as const;

/** Context keys the manifest's `when` clauses read. */
export const CONTEXT_KEYS = {
  trainingActive: 'invertscope.trainingActive',
  hasRuns: 'invertscope.hasRuns',
  runsLoaded: 'invertscope.runsLoaded',
} as const;

import { describeArchitecture } from '../model/architecture';
import { invertscopeVersion } from '../store/packageVersion';
import type { AnalysedRun } from './analyseRun';
import { findings } from './claims';
import { REPORT_FORMAT_VERSION, REPORT_KIND, type ReportData, type ReportModel, type ReportTiming } from './reportData';
import { findingsTable, modelTable } from './summaryTable';

export interface ReportInput {
  readonly title: string;
  readonly schedule: ReportData['schedule'];
  readonly models: ReadonlyArray<{ readonly key: string; readonly label: string; readonly run: AnalysedRun }>;
  readonly timing: ReportTiming | null;
  readonly now?: Date;
}

/**
 * What a run's numbers can be trusted for, when its data is not what it was
 * trained on: an imported checkpoint with no recorded split is analysed on
 * the embedded digits' default test split, which may hold its training images.
 */
function dataWarning(run: AnalysedRun): string | null {
  const { record } = run;
  const split = record.data.split;
  const unknown =
    record.importedFrom !== undefined &&
    split.kind === 'stratified' &&
    split.train.length === 0 &&
    split.test.length === 0;
  if (!unknown) return null;
  return `Imported without its training data: its figures are measured on ${run.trajectory.dataDescription}, and those test images may include images this model was trained on (import with --data or --split-seed to say which).`;
}

/** The report of analysed runs: tables and findings computed from them, nothing typed in. */
export function buildReport(input: ReportInput): ReportData {
  const models: ReportModel[] = input.models.map(({ key, label, run }) => ({
    key,
    label,
    runId: run.record.id,
    architecture: describeArchitecture(run.record.config.architecture),
    objective: run.record.config.objective,
    epochs: run.record.epochsCompleted,
    trainSeconds: run.record.timings.trainSeconds,
    backend: run.record.backend?.description ?? null,
    dataWarning: dataWarning(run),
    trajectory: run.trajectory,
    table: modelTable(run.trajectory),
    epochMetrics: run.epochMetrics,
    analyses: run.analyses,
  }));
  const classifier = models.flatMap((m) => m.analyses.map((a) => a.analysis.generation.classifierTestAccuracy))[0];
  return {
    kind: REPORT_KIND,
    formatVersion: REPORT_FORMAT_VERSION,
    title: input.title,
    generatedAt: (input.now ?? new Date()).toISOString(),
    invertscopeVersion: invertscopeVersion(),
    schedule: input.schedule,
    classifierTestAccuracy: classifier ?? null,
    models,
    findingsTable: findingsTable(models),
    findings: findings(models),
    timing: input.timing,
  };
}

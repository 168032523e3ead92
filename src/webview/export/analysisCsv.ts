import type { CheckpointAnalysis } from '../../core/analysis/types';
import { stageData, stageLayers } from '../charts/amplificationChart';
import { panelDomain, targetCurve } from '../charts/distributionChart';
import { generationCsv, GENERATION_CSV_HEADER } from '../grids/generationGrid';
import { reconstructionCsv, RECONSTRUCTION_CSV_HEADER } from '../grids/reconstructionGrid';
import type { ChartId } from '../../shared/charts';
import { toCsv } from './csv';

/**
 * The data behind each checkpoint chart as CSV, at full precision (the charts
 * round for display; a file is for further work). One function per chart.
 */
function conditionCsv(analysis: CheckpointAnalysis): string {
  return toCsv(
    [
      'layer',
      'sequential_index',
      'cond',
      'sigma_max',
      'sigma_min',
      'log_abs_det',
      'frobenius',
      'stable_rank',
      'activation',
    ],
    analysis.layers.map((l) => [
      l.index + 1,
      l.sequentialIndex,
      l.cond,
      l.sigmaMax,
      l.sigmaMin,
      l.logAbsDet,
      l.frobenius,
      l.stableRank,
      l.activation,
    ]),
  );
}

function spectrumCsv(analysis: CheckpointAnalysis): string {
  const layers = analysis.layers;
  const n = Math.max(0, ...layers.map((l) => l.singularValues.length));
  return toCsv(
    ['rank', ...layers.map((l) => `layer_${l.index + 1}`)],
    Array.from({ length: n }, (_, i) => [i + 1, ...layers.map((l) => l.singularValues[i] ?? null)]),
  );
}

function amplificationCsv(analysis: CheckpointAnalysis): string {
  const rows = analysis.amplification.flatMap((report) =>
    report.points.flatMap((point) =>
      stageData(report, point, stageLayers(analysis.layers, report.stages.length))
        .slice(1)
        .map((d) => [
          report.precision,
          point.delta,
          d.position,
          d.name,
          d.layer === null ? null : d.layer + 1,
          d.stageBound,
          d.growth,
          d.errorAfter,
          d.measured,
          d.bound,
        ]),
    ),
  );
  return toCsv(
    [
      'precision',
      'delta',
      'stage',
      'stage_name',
      'layer',
      'stage_bound',
      'stage_growth',
      'error_after',
      'total_growth',
      'total_bound',
    ],
    rows,
  );
}

function recognizabilityCsv(analysis: CheckpointAnalysis): string {
  const rows = analysis.amplification.flatMap((report) =>
    report.points.map((p) => [
      report.precision,
      p.delta,
      p.psnr,
      p.classifierAccuracy,
      p.pooledGrowth ?? p.errorAfterStage[p.errorAfterStage.length - 1] / p.delta,
      p.medianGrowth ?? null,
      report.recognizableUpTo !== null && p.delta <= report.recognizableUpTo,
    ]),
  );
  return toCsv(
    [
      'precision',
      'delta',
      'psnr_db',
      'classifier_accuracy',
      'total_growth_pooled',
      'total_growth_median_per_image',
      'recognizable',
    ],
    rows,
  );
}

function distributionCsv(analysis: CheckpointAnalysis): string {
  const rows = analysis.distribution.perClass.flatMap((d) => {
    const [x0, x1] = panelDomain(d);
    const stats = [d.label, d.count, d.mean, d.std, d.skew, d.ks];
    return [
      ...d.density.x.map((x, i) => [...stats, 'output', x, d.density.y[i]]),
      ...targetCurve(d, x0, x1).map(([x, y]) => [...stats, 'target', x, y]),
    ];
  });
  return toCsv(['label', 'count', 'mean', 'std', 'skew', 'ks', 'curve', 'x', 'density'], rows);
}

export const ANALYSIS_CSV: Record<Exclude<ChartId, 'loss' | 'trajectory'>, (analysis: CheckpointAnalysis) => string> = {
  condition: conditionCsv,
  spectrum: spectrumCsv,
  amplification: amplificationCsv,
  recognizability: recognizabilityCsv,
  distribution: distributionCsv,
  reconstruction: (a) => toCsv(RECONSTRUCTION_CSV_HEADER, reconstructionCsv(a.reconstruction)),
  generation: (a) => toCsv(GENERATION_CSV_HEADER, generationCsv(a.generation.sets)),
};

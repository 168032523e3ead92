/**
 * The charts a webview can reveal and export, each with the title its card
 * shows. The host lists them in "Export Figure" and checks export messages
 * against them; the cards take their titles from here, so the two cannot drift
 * apart (the quick pick had offered "Recognizability against noise δ" for the
 * card titled "Noise tolerance", and five more titles of its own). The lists
 * are the keys of records typed by the unions: a chart added to the union and
 * not here, or here and not in the union, does not compile.
 */

export type ChartId =
  | 'condition'
  | 'spectrum'
  | 'amplification'
  | 'recognizability'
  | 'reconstruction'
  | 'generation'
  | 'loss'
  | 'distribution'
  /** A quantity against epoch (a trajectory figure; the card's data-figure says which). */
  | 'trajectory';

export const CHART_TITLES = {
  condition: 'Condition number per layer',
  spectrum: 'Singular value spectrum',
  amplification: 'Inverse error amplification',
  recognizability: 'Noise tolerance',
  reconstruction: 'Reconstruction',
  generation: 'Generation',
  loss: 'Loss',
  distribution: 'Output distribution per class',
  trajectory: 'Trajectory against epoch',
} as const satisfies Record<ChartId, string>;

export const CHART_IDS = Object.keys(CHART_TITLES) as readonly ChartId[];

/** The runs dashboard's charts and table, as named in exports. */
export type DashboardChartId = 'runs-table' | 'runs-loss' | 'runs-condition' | 'runs-broken';

export const DASHBOARD_CHART_IDS = Object.keys({
  'runs-table': true,
  'runs-loss': true,
  'runs-condition': true,
  'runs-broken': true,
} satisfies Record<DashboardChartId, true>) as readonly DashboardChartId[];

export type ExportFormat = 'svg' | 'png' | 'csv';

export const EXPORT_FORMATS = Object.keys({ svg: true, png: true, csv: true } satisfies Record<
  ExportFormat,
  true
>) as readonly ExportFormat[];

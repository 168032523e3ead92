import type { CsvCell } from '../export/csv';
import type { DashboardRow } from '../../contracts/dashboardProtocol';
import { formatCondition, formatNumber, formatPercent } from '../../shared/formatNumber';

/**
 * The table's columns: what each shows, sorts by and writes to CSV. A value
 * of null (unknown: no checkpoint, not analysed) sorts last either way.
 */
export interface Column {
  /** Used by filters ("model:base") and saved sort state. */
  readonly key: string;
  readonly label: string;
  /** What the header's hover says. */
  readonly title: string;
  readonly numeric: boolean;
  /** Width in CSS pixels: the table lays out at fixed widths, so rows drawn while scrolling never shift the columns. */
  readonly width: number;
  value(row: DashboardRow): number | string | null;
  text(row: DashboardRow): string;
  csv(row: DashboardRow): CsvCell;
  /** The cell's hover text, when it has more to say than fits. */
  detail?(row: DashboardRow): string;
}

const text = (key: string, label: string, title: string, get: (row: DashboardRow) => string, width = 80): Column => ({
  key,
  label,
  title,
  numeric: false,
  width,
  value: get,
  text: get,
  csv: get,
});

const number = (
  key: string,
  label: string,
  title: string,
  get: (row: DashboardRow) => number | null,
  show = (v: number) => formatNumber(v),
  width = 70,
): Column => ({
  key,
  label,
  title,
  numeric: true,
  width,
  value: get,
  text: (row) => {
    const v = get(row);
    return v === null ? '—' : show(v);
  },
  csv: get,
});

const kappaText = (row: DashboardRow): string => {
  const latest = row.latest;
  if (!latest) return '—';
  return formatCondition(latest.kappa, latest.resolvable);
};

export const COLUMNS: readonly Column[] = [
  {
    ...text('run', 'Run', 'The run\u2019s id (its folder in the runs folder)', (r) => r.id, 200),
    detail: (r) => `created ${r.createdAt}${r.imported ? ' · imported' : ''}`,
  },
  {
    ...text('created', 'Created', 'When the run was created (UTC)', (r) => r.createdAt, 124),
    text: (r) => r.createdAt.slice(0, 16).replace('T', ' '),
  },
  text('model', 'Model', 'Architecture', (r) => r.model, 70),
  text('objective', 'Objective', 'seed: the paper\u2019s loss; flow: exact maximum likelihood', (r) => r.objective),
  number('slope', 'Slope', 'LeakyReLU negative slope (— without activations)', (r) => r.slope, undefined, 56),
  number('depth', 'Depth', 'Linear layers', (r) => r.depth, undefined, 56),
  number('batch', 'Batch', 'Batch size', (r) => r.batchSize, undefined, 56),
  number('lr', 'lr', 'Adam learning rate', (r) => r.learningRate),
  number('seed', 'Seed', 'Random seed', (r) => r.seed, undefined, 50),
  { ...text('data', 'Data', 'Training data', (r) => r.data, 150), detail: (r) => r.data },
  text(
    'backend',
    'Backend',
    'The backend that trained the run (or the one asked for, before training started)',
    (r) => r.backend,
  ),
  {
    ...number('epochs', 'Epochs', 'Epochs completed of those configured', (r) => r.epochsCompleted, undefined, 76),
    text: (r) => `${r.epochsCompleted}/${r.epochs}`,
  },
  text('status', 'Status', 'running, completed, failed or cancelled', (r) => r.status, 86),
  {
    ...number(
      'train',
      'Train loss',
      'Train loss at the last checkpoint (the last epoch of a finished run)',
      (r) => r.final?.trainLoss ?? null,
      (v) => formatNumber(v),
      84,
    ),
    detail: (r) => (r.final ? `epoch ${r.final.epoch}` : 'no checkpoint yet'),
  },
  {
    ...number(
      'test',
      'Test loss',
      'Test loss at the last checkpoint',
      (r) => r.final?.testLoss ?? null,
      (v) => formatNumber(v),
      84,
    ),
    detail: (r) => (r.final ? `epoch ${r.final.epoch}` : 'no checkpoint yet'),
  },
  number(
    'bits',
    'bits/dim',
    'Flows on dequantized pixels: test loss in bits per pixel (8 = the uniform density)',
    (r) => r.final?.testBitsPerDim ?? null,
    (v) => formatNumber(v),
    72,
  ),
  {
    ...number(
      'kappa',
      'κ(J)',
      'κ of the end-to-end Jacobian at the latest analysed checkpoint; "> x" is a lower bound beyond float64\u2019s resolution',
      (r) => r.latest?.kappa ?? null,
      undefined,
      84,
    ),
    text: kappaText,
    detail: (r) =>
      r.latest
        ? `epoch ${r.latest.epoch}${r.latest.resolvable ? '' : ': σmin below what float64 resolves, a lower bound'}`
        : 'not analysed yet',
  },
  {
    ...number(
      'broken',
      'Broken f32',
      'Share of test images the float32 round trip does not reconstruct, at the latest analysed checkpoint',
      (r) => r.latest?.brokenFloat32 ?? null,
      formatPercent,
      84,
    ),
    detail: (r) => (r.latest ? `epoch ${r.latest.epoch}` : 'not analysed yet'),
  },
  {
    ...text(
      'verdict',
      'Verdict',
      'Whether the latest analysed checkpoint can be inverted, and in which precision',
      (r) => r.latest?.verdictWords ?? '—',
      130,
    ),
    value: (r) => r.latest?.verdictWords ?? null,
    csv: (r) => r.latest?.verdict ?? null,
    detail: (r) => (r.latest ? `epoch ${r.latest.epoch}` : 'not analysed yet'),
  },
];

export function columnByKey(key: string): Column | undefined {
  return COLUMNS.find((c) => c.key === key);
}

import { formatCondition, formatCount, formatNumber, formatPercent } from '../../shared/formatNumber';
import { ROUND_TRIP_IDS, type TrajectoryPoint } from '../analysis/trajectoryTypes';
import type { RunTrajectory } from '../analysis/trajectoryTypes';
import type { TextTable } from './reportData';

/**
 * The tables of a report: one row per checkpoint of a model (its summary
 * table), or the first and last checkpoint of every model (the findings table).
 */

/** κ(J) as measured, or "> bound" where float64 cannot resolve it. */
export function formatJacobian(p: TrajectoryPoint): string {
  return formatCondition(p.jacobian.cond, p.jacobian.resolvable);
}

/** Broken shares of the three round trips: float32 / float32 embedding + float64 inverse / float64. */
export function formatRoundTrips(p: TrajectoryPoint): string {
  return ROUND_TRIP_IDS.map((id) => (p.roundTrips[id] ? formatPercent(p.roundTrips[id].brokenFraction) : '—')).join(
    ' / ',
  );
}

/** Largest δ still recognizable through the float64 inverse, "none" when no δ tested is, "—" when not measured. */
function formatNoise(p: TrajectoryPoint): string {
  const n = p.noise?.find((m) => m.precision === 'float64') ?? p.noise?.[0];
  if (!n) return '—';
  return n.recognizableUpTo === null ? 'none tested' : formatNumber(n.recognizableUpTo);
}

/**
 * Share of generated samples read as the asked digit (the mean over seeds),
 * with how many were drawn and, over several seeds, their range: "63% of
 * 3,000 (3 seeds: 61–65%)".
 */
export function formatGeneration(p: TrajectoryPoint): string {
  const g = p.generation;
  if (!g) return '—';
  const seeds = g.seedAccuracies ?? [];
  const spread =
    seeds.length > 1
      ? ` (${seeds.length} seeds: ${formatPercent(Math.min(...seeds))}–${formatPercent(Math.max(...seeds))})`
      : '';
  return `${formatPercent(g.accuracy)} of ${formatCount(g.sampleCount)}${spread}`;
}

const COLUMNS = [
  'κ per layer',
  'κ(J) at a test image',
  'broken: f32 / f32→f64 / f64',
  'noise δ recognizable (f64 inverse)',
  'samples read as the digit',
] as const;

function cells(p: TrajectoryPoint): string[] {
  return [
    p.layers.map((l) => formatNumber(l.cond)).join(', '),
    formatJacobian(p),
    formatRoundTrips(p),
    formatNoise(p),
    formatGeneration(p),
  ];
}

/** One row per analysed checkpoint of a run, with test bits/dim for a flow. */
export function modelTable(trajectory: RunTrajectory): TextTable {
  const bits = trajectory.points.some((p) => p.testBitsPerDim !== undefined);
  return {
    header: ['epoch', ...COLUMNS, ...(bits ? ['test bits/dim'] : [])],
    rows: trajectory.points.map((p) => [
      String(p.epoch),
      ...cells(p),
      ...(bits ? [p.testBitsPerDim === undefined ? '—' : formatNumber(p.testBitsPerDim)] : []),
    ]),
  };
}

/** The checkpoints a findings table shows: the first trained one (epoch ≥ 1, else the first) and the last. */
export function headlinePoints(trajectory: RunTrajectory): TrajectoryPoint[] {
  const points = trajectory.points;
  if (points.length === 0) return [];
  const first = points.find((p) => p.epoch >= 1) ?? points[0];
  const last = points[points.length - 1];
  return first === last ? [last] : [first, last];
}

/** The first trained and the last checkpoint of every model, one row each. */
export function findingsTable(
  models: ReadonlyArray<{ readonly label: string; readonly trajectory: RunTrajectory }>,
): TextTable {
  return {
    header: ['model, epoch', ...COLUMNS],
    rows: models.flatMap((m) => headlinePoints(m.trajectory).map((p) => [`${m.label}, ${p.epoch}`, ...cells(p)])),
  };
}

/** A table in GitHub Markdown; "|" inside a cell is escaped. */
export function markdownTable(table: TextTable): string {
  const row = (cellsOfRow: readonly string[]) => `| ${cellsOfRow.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [row(table.header), row(table.header.map(() => '---')), ...table.rows.map(row)].join('\n');
}

import {
  ROUND_TRIP_IDS,
  ROUND_TRIPS,
  type RunTrajectory,
  type TrajectoryPoint,
} from '../../core/analysis/trajectoryTypes';
import { formatNumber } from '../../shared/formatNumber';
import { layerName } from '../interaction/layerFocus';
import { FLOAT32_LIMIT, FLOAT64_LIMIT } from './conditionChart';
import {
  trajectoryChart,
  type TrajectoryChart,
  type TrajectoryRule,
  type TrajectoryScale,
  type TrajectorySeries,
  type TrajectoryValue,
} from './trajectoryChart';
import { BROKEN_MAE } from '../../shared/thresholds';

/**
 * The trajectory figures of a run, as data for trajectoryChart: per-layer κ,
 * κ of the end-to-end Jacobian (lower bounds where float64 cannot resolve it),
 * the broken fraction of each of the three round trips, noise tolerance,
 * generation score and, for flows, test bits/dim — each against epoch. Also
 * the same quantities across runs, one line per run, for an overview.
 *
 * @example
 *   for (const figure of trajectoryFigures(trajectory)) drawFigure(figure).width(480)(svgFor(figure.id));
 */
export type TrajectoryFigureId =
  'layer-condition' | 'jacobian-condition' | 'round-trips' | 'noise-tolerance' | 'generation' | 'bits-per-dim';

export interface TrajectoryFigure {
  readonly id: TrajectoryFigureId;
  readonly title: string;
  /** One sentence on how to read it. */
  readonly description: string;
  readonly yLabel: string;
  readonly scale: TrajectoryScale;
  readonly series: readonly TrajectorySeries[];
  readonly rules: readonly TrajectoryRule[];
  /** The y domain when there is no value to draw (trajectoryChart.emptyDomain). */
  readonly emptyDomain?: readonly [number, number];
}

/** 1/ε of float32 and float64: a κ beyond one of them loses every digit of that precision. */
export const PRECISION_RULES: readonly TrajectoryRule[] = [
  { value: FLOAT32_LIMIT, label: 'f32 1/ε' },
  { value: FLOAT64_LIMIT, label: 'f64 1/ε' },
];

/**
 * The precision limits a chart of these κ needs: float32's always, float64's
 * once some κ is within four decades of it (drawn always, it would squeeze
 * layers of κ 10³–10⁶ into the bottom of the chart).
 */
function limitsFor(series: readonly TrajectorySeries[]): TrajectoryRule[] {
  const largest = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v.value)).filter(Number.isFinite));
  return PRECISION_RULES.filter((r) => r.value === FLOAT32_LIMIT || largest * 1e4 >= FLOAT64_LIMIT);
}

/** Noise levels the analysis tests by default (1e-6 … 1e-1): the noise chart's range when no δ is recognizable anywhere. */
const NOISE_RANGE: readonly [number, number] = [1e-7, 1];

/** Chance for the ten digit classes: what a classifier scores on samples that are not digits. */
const CHANCE_RULE: TrajectoryRule = { value: 0.1, label: 'chance' };

/** A uniform density on [0, 1]^784 scores exactly 8 bits per pixel. */
const UNIFORM_BITS_RULE: TrajectoryRule = { value: 8, label: 'uniform' };

/** How each figure is titled and read, whatever runs it shows. */
const FIGURE_TEXT: Record<TrajectoryFigureId, Pick<TrajectoryFigure, 'title' | 'description' | 'yLabel' | 'scale'>> = {
  'layer-condition': {
    title: 'Condition number per layer',
    description:
      'κ = σmax/σmin of each weight matrix at every checkpoint. Not every layer grows; a layer near a precision\u2019s 1/ε cannot be inverted in that precision.',
    yLabel: 'κ (log)',
    scale: 'log',
  },
  'jacobian-condition': {
    title: 'Condition number of the end-to-end Jacobian',
    description:
      'κ of the whole network\u2019s Jacobian at a test image. Past float64\u2019s 1/ε only a lower bound can be measured (open triangles).',
    yLabel: 'κ(J) (log)',
    scale: 'log',
  },
  'round-trips': {
    title: 'Broken reconstructions, per round trip',
    description: `Share of test images whose reconstruction is off by a mean absolute error above ${BROKEN_MAE}, in each of the three round trips.`,
    yLabel: 'broken',
    scale: 'share',
  },
  'noise-tolerance': {
    title: 'Noise tolerance',
    description:
      'Largest noise δ added to the embedding (of those tested) up to which reconstructions stay recognizable, per inverse precision. A gap: none of the δ tested.',
    yLabel: 'δ (log)',
    scale: 'log',
  },
  generation: {
    title: 'Generation',
    description:
      'Share of samples of the objective\u2019s own target, pushed through the float64 inverse, that the digit classifier reads as the digit they were drawn for.',
    yLabel: 'read as the asked digit',
    scale: 'share',
  },
  'bits-per-dim': {
    title: 'Test bits per pixel',
    description:
      'The flow\u2019s exact negative log-likelihood of the test images; 8 is the uniform density, lower is better.',
    yLabel: 'bits/dim',
    scale: 'linear',
  },
};

/**
 * One value per point that has the quantity (undefined: the point did not
 * measure it). null is a measured absence, e.g. no δ tested was recognizable:
 * a gap in the line, and `nullText` in the tooltip.
 */
function values(
  points: readonly TrajectoryPoint[],
  pick: (p: TrajectoryPoint) => number | null | undefined,
  lowerBound?: (p: TrajectoryPoint) => boolean,
  nullText = 'none',
): TrajectoryValue[] {
  return points.flatMap((p): TrajectoryValue[] => {
    const value = pick(p);
    if (value === undefined) return [];
    if (value === null) return [{ epoch: p.epoch, value: Number.NaN, text: nullText }];
    return [{ epoch: p.epoch, value, ...(lowerBound?.(p) ? { lowerBound: true } : {}) }];
  });
}

function figure(
  id: TrajectoryFigureId,
  series: readonly TrajectorySeries[],
  rules: readonly TrajectoryRule[],
  emptyDomain?: readonly [number, number],
): TrajectoryFigure {
  return { id, ...FIGURE_TEXT[id], series, rules, ...(emptyDomain ? { emptyDomain } : {}) };
}

const hasValues = (f: TrajectoryFigure): boolean => f.series.some((s) => s.values.length > 0);

/** The figures of one run that have data, in reading order. */
export function trajectoryFigures(trajectory: RunTrajectory): TrajectoryFigure[] {
  const points = trajectory.points;
  const layerCount = Math.max(0, ...points.map((p) => p.layers.length));
  const precisions = [...new Set(points.flatMap((p) => (p.noise ?? []).map((n) => n.precision)))];
  const generation = points.find((p) => p.generation)?.generation;
  const layerSeries: TrajectorySeries[] = Array.from({ length: layerCount }, (_, i) => ({
    // Eight colours: layers past the eighth are dashed.
    id: `layer-${i}`,
    label: layerName(i),
    color: i,
    dashed: i >= 8,
    values: values(points, (p) => p.layers[i]?.cond),
  }));
  const figures = [
    figure('layer-condition', layerSeries, limitsFor(layerSeries)),
    figure(
      'jacobian-condition',
      [
        {
          id: 'jacobian',
          label: 'κ(J)',
          color: 0,
          values: values(
            points,
            (p) => p.jacobian.cond,
            (p) => !p.jacobian.resolvable,
          ),
        },
      ],
      PRECISION_RULES,
    ),
    figure(
      'round-trips',
      ROUND_TRIP_IDS.map((id, i) => ({
        id,
        label: ROUND_TRIPS[id].label,
        color: i,
        dashed: id === 'mixed',
        values: values(points, (p) => p.roundTrips[id]?.brokenFraction),
      })),
      [],
    ),
    figure(
      'noise-tolerance',
      precisions.map((precision, i) => ({
        id: precision,
        label: `${precision} inverse`,
        color: i,
        values: values(
          points,
          (p) => {
            const n = p.noise?.find((m) => m.precision === precision);
            return n === undefined ? undefined : n.recognizableUpTo;
          },
          undefined,
          'none of the δ tested',
        ),
      })),
      [],
      NOISE_RANGE,
    ),
    figure(
      'generation',
      generation
        ? [
            {
              id: 'generation',
              label: `${generation.prior === 'class' ? 'learned prior' : 'N(2a, T²)'} at T = ${formatNumber(generation.temperature)}, ${generation.sampleCount} samples`,
              color: 0,
              values: values(points, (p) => p.generation?.accuracy),
            },
          ]
        : [],
      [CHANCE_RULE],
    ),
    figure(
      'bits-per-dim',
      [{ id: 'bits', label: 'test bits/dim', color: 0, values: values(points, (p) => p.testBitsPerDim) }],
      [UNIFORM_BITS_RULE],
    ),
  ];
  return figures.filter(hasValues);
}

/** A run and the name it goes by in a legend (e.g. "Base", "flow11"). */
export interface LabelledTrajectory {
  readonly label: string;
  readonly trajectory: RunTrajectory;
}

/**
 * One quantity across runs, one line per run: κ(J), the float32 round trip's
 * broken fraction and generation, the three the paper's claims are about.
 */
export function comparisonFigures(runs: readonly LabelledTrajectory[]): TrajectoryFigure[] {
  const across = (
    pick: (p: TrajectoryPoint) => number | null | undefined,
    bound?: (p: TrajectoryPoint) => boolean,
  ): TrajectorySeries[] =>
    runs.map((r, i) => ({
      id: `run-${i}`,
      label: r.label,
      color: i,
      values: values(r.trajectory.points, pick, bound),
    }));
  const float32 = ROUND_TRIPS.float32.label;
  return [
    figure(
      'jacobian-condition',
      across(
        (p) => p.jacobian.cond,
        (p) => !p.jacobian.resolvable,
      ),
      PRECISION_RULES,
    ),
    {
      ...figure(
        'round-trips',
        across((p) => p.roundTrips.float32?.brokenFraction),
        [],
      ),
      title: `Broken reconstructions, ${float32}`,
      description: `Share of test images whose float32 round trip is off by a mean absolute error above ${BROKEN_MAE}: what a float32 implementation reconstructs.`,
    },
    figure(
      'generation',
      across((p) => p.generation?.accuracy),
      [CHANCE_RULE],
    ),
  ].filter(hasValues);
}

/** A trajectory chart set up to draw `f`; size and draw it: `drawFigure(f).width(w)(svg)`. */
export function drawFigure(f: TrajectoryFigure, chart: TrajectoryChart = trajectoryChart()): TrajectoryChart {
  return chart
    .series(f.series)
    .scale(f.scale)
    .rules(f.rules)
    .yLabel(f.yLabel)
    .emptyDomain(f.emptyDomain ?? null)
    .description(`${f.title} against epoch`);
}

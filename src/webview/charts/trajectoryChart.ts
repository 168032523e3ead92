import { CHART_TITLES } from '../../shared/charts';
import { line, scaleLinear, scaleLog, scaleSymlog, symbol, symbolTriangle } from 'd3';
import { formatNumber, formatPercent } from '../../shared/formatNumber';
import type { LayerDatum } from '../interaction/layerFocus';
import { pointer, type PointerTarget } from '../interaction/pointer';
import type { TipContent } from '../interaction/tooltip';
import { accessor, isPositiveSize, type Accessor } from './accessor';
import {
  bottomAxis,
  frame,
  layer,
  leftAxis,
  legend,
  LEGEND_ROW,
  legendRows,
  limitRules,
  logTickFormat,
  logTicks,
  type LegendEntry,
  type Rule,
} from './frame';

/**
 * One quantity of a run (or of several runs) against epoch: a line per series
 * with a dot per checkpoint, horizontal rules for fixed limits (1/ε of a
 * precision, chance level), and one tooltip per epoch listing every series.
 * A value that is only a lower bound (κ beyond what float64 resolves) is drawn
 * as an open upward triangle and reads "> value"; a missing value leaves a gap.
 * The trajectory figures (trajectoryFigures.ts) build the series from a
 * RunTrajectory; this file knows nothing of analyses.
 *
 * @example
 *   trajectoryChart().series(figure.series).scale('log').rules(figure.rules).yLabel('κ').width(480)(svg);
 */
export interface TrajectoryValue {
  readonly epoch: number;
  /** NaN or ±Infinity: not measured or not representable; the line breaks there. */
  readonly value: number;
  /** The true value is larger than `value` (drawn as an open triangle, read "> value"). */
  readonly lowerBound?: boolean;
  /** What the tooltip says instead of the number, e.g. "none of the δ tested" for a value that does not exist. */
  readonly text?: string;
}

export interface TrajectorySeries {
  /** Unique within a chart; becomes data-series on the line. */
  readonly id: string;
  readonly label: string;
  /** Palette index (series-N classes, 0–7). */
  readonly color: number;
  readonly dashed?: boolean;
  readonly values: readonly TrajectoryValue[];
}

export type TrajectoryRule = Rule;

/** 'log' for κ and δ, 'linear' for bits/dim, 'share' for fractions in [0, 1] shown as percentages. */
export type TrajectoryScale = 'log' | 'linear' | 'share';

/** What the pointer focuses: one epoch with every series' value there. */
export interface TrajectoryEpochDatum extends LayerDatum {
  readonly epoch: number;
  readonly values: ReadonlyArray<{ readonly series: TrajectorySeries; readonly value: TrajectoryValue }>;
}

export interface TrajectoryChart {
  (svg: SVGSVGElement): void;
  series: Accessor<TrajectoryChart, readonly TrajectorySeries[]>;
  scale: Accessor<TrajectoryChart, TrajectoryScale>;
  rules: Accessor<TrajectoryChart, readonly TrajectoryRule[]>;
  yLabel: Accessor<TrajectoryChart, string>;
  /** Says what the chart shows, for screen readers (aria-label of the svg). */
  description: Accessor<TrajectoryChart, string>;
  /** The y domain when no value can be drawn (e.g. no δ was recognizable at any checkpoint); null: [1, 10] on a log scale. */
  emptyDomain: Accessor<TrajectoryChart, readonly [number, number] | null>;
  /** An epoch drawn as a vertical rule (the checkpoint shown beside the chart), or null. */
  selectedEpoch: Accessor<TrajectoryChart, number | null>;
  /**
   * Epochs the x axis spans besides those with values: a run's checkpoints
   * not analysed yet, so that points arriving one by one fill the axis
   * instead of rescaling it.
   */
  epochSpan: Accessor<TrajectoryChart, readonly number[]>;
  width: Accessor<TrajectoryChart, number>;
  height: Accessor<TrajectoryChart, number>;
}

const MARGIN = { top: 26, right: 70, bottom: 42, left: 60 };

/** Epochs on a symmetric-log axis once they span more than this ratio, so early checkpoints do not crowd at 0. */
const LOG_EPOCH_SPAN = 20;

/** The value as a person reads it in this chart's scale, with "> " for a lower bound. */
function formatTrajectoryValue(value: TrajectoryValue, scale: TrajectoryScale): string {
  if (value.text !== undefined) return value.text;
  const text = scale === 'share' ? formatPercent(value.value) : formatNumber(value.value);
  return value.lowerBound && Number.isFinite(value.value) ? `> ${text}` : text;
}

/** Every epoch of the series, ascending, each once. */
function trajectoryEpochs(series: readonly TrajectorySeries[]): number[] {
  return [...new Set(series.flatMap((s) => s.values.map((v) => v.epoch)))].sort((a, b) => a - b);
}

/** The y domain: the values and the rules for a log scale (so a limit is always in view), [0, 1] for shares. */
function trajectoryDomain(
  series: readonly TrajectorySeries[],
  rules: readonly TrajectoryRule[],
  scale: TrajectoryScale,
): [number, number] {
  if (scale === 'share') return [0, 1];
  const values = series
    .flatMap((s) => s.values.map((v) => v.value))
    .filter((v) => Number.isFinite(v) && (scale !== 'log' || v > 0));
  const all = [...values, ...rules.map((r) => r.value).filter((v) => Number.isFinite(v) && (scale !== 'log' || v > 0))];
  if (all.length === 0) return scale === 'log' ? [1, 10] : [0, 1];
  const lo = Math.min(...all),
    hi = Math.max(...all);
  if (scale === 'log') return lo === hi ? [lo / 10, hi * 10] : [lo / 3, hi * 3];
  const pad = lo === hi ? Math.max(1, Math.abs(lo) * 0.1) : (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

/** Epoch ticks for a symmetric-log axis: 0 when shown, then 1, 2, 5 × powers of ten inside the domain. */
function epochTicks(domain: readonly [number, number]): number[] {
  const [lo, hi] = domain;
  const ticks = lo <= 0 ? [0] : [];
  for (let e = 0; 10 ** e <= hi; e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks;
}

export function trajectoryChart(): TrajectoryChart {
  let series: readonly TrajectorySeries[] = [];
  let scale: TrajectoryScale = 'log';
  let rules: readonly TrajectoryRule[] = [];
  let yLabel = '';
  let description: string = CHART_TITLES.trajectory;
  let selectedEpoch: number | null = null;
  let epochSpan: readonly number[] = [];
  let emptyDomain: readonly [number, number] | null = null;
  let width = 420;
  let height = 240;
  let targets: PointerTarget<TrajectoryEpochDatum>[] = [];
  const hover = pointer<TrajectoryEpochDatum>()
    .mode('x')
    .targets(() => targets)
    .tip((d) => epochTip(d, scale));

  const chart = ((svg: SVGSVGElement) => {
    const entries = legendEntries(series, scale);
    // Many series (a flow's eleven layers) wrap the legend into rows above the plot.
    const rows = legendRows(
      entries.map((e) => e.text),
      width - MARGIN.left - MARGIN.right,
    );
    const margin = { ...MARGIN, top: MARGIN.top + (rows - 1) * LEGEND_ROW };
    const f = frame(svg, width, height + (rows - 1) * LEGEND_ROW, margin, description);
    const epochs = trajectoryEpochs(series);
    const spanned = [...new Set([...epochs, ...epochSpan])].sort((a, b) => a - b);
    const firstEpoch = spanned[0] ?? 0;
    const lastEpoch = Math.max(1, spanned[spanned.length - 1] ?? 1);
    const positive = spanned.filter((e) => e > 0);
    const spread = positive.length > 0 ? lastEpoch / Math.min(...positive) : 1;
    const symlog = spread > LOG_EPOCH_SPAN;
    const xDomain: [number, number] = [Math.min(firstEpoch, symlog ? firstEpoch : 0), lastEpoch];
    const x = symlog
      ? scaleSymlog().constant(1).domain(xDomain).range([0, f.innerWidth])
      : scaleLinear().domain(xDomain).range([0, f.innerWidth]).nice();
    const drawable = (v: TrajectoryValue): boolean => Number.isFinite(v.value) && (scale !== 'log' || v.value > 0);
    const anyValue = series.some((s) => s.values.some(drawable));
    const [lo, hi] = !anyValue && emptyDomain ? emptyDomain : trajectoryDomain(series, rules, scale);
    const y =
      scale === 'log'
        ? scaleLog().domain([lo, hi]).range([f.innerHeight, 0]).clamp(true)
        : scaleLinear().domain([lo, hi]).range([f.innerHeight, 0]).nice();

    bottomAxis(
      f.plot,
      x,
      f.innerHeight,
      f.innerWidth,
      symlog
        ? { ticks: epochTicks(xDomain), format: (v) => String(v), label: 'epoch (log)' }
        : {
            count: Math.min(8, Math.max(2, spanned.length)),
            format: (v) => (Number.isInteger(v) ? String(v) : ''),
            label: 'epoch',
          },
    );
    if (scale === 'log') {
      leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
        ticks: logTicks(y.domain(), 6),
        format: logTickFormat(y.domain()),
        grid: f.innerWidth,
        label: yLabel,
      });
    } else {
      leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
        count: 5,
        grid: f.innerWidth,
        label: yLabel,
        format: scale === 'share' ? (v) => `${Math.round(v * 100)}%` : (v) => formatNumber(v),
      });
    }

    limitRules(
      f.plot,
      rules.filter((r) => Number.isFinite(r.value) && r.value >= y.domain()[0] && r.value <= y.domain()[1]),
      y,
      f.innerWidth,
    );

    layer(f.plot, 'selected-epoch', 'line')
      .attr('display', selectedEpoch === null ? 'none' : null)
      .attr('x1', selectedEpoch === null ? 0 : x(selectedEpoch))
      .attr('x2', selectedEpoch === null ? 0 : x(selectedEpoch))
      .attr('y1', 0)
      .attr('y2', f.innerHeight);

    const path = line<TrajectoryValue>()
      .defined(drawable)
      .x((v) => x(v.epoch))
      .y((v) => y(v.value));
    layer(f.plot, 'lines')
      .selectAll<SVGPathElement, TrajectorySeries>('path.trajectory-line')
      .data(series, (s) => s.id)
      .join('path')
      .attr('class', (s) => `trajectory-line series-${s.color % 8}${s.dashed ? ' is-dashed' : ''}`)
      .attr('data-series', (s) => s.id)
      .attr('d', (s) => path([...s.values].sort((a, b) => a.epoch - b.epoch)) ?? '');

    const marks = series.flatMap((s) => s.values.filter(drawable).map((v) => ({ s, v, key: `${s.id}@${v.epoch}` })));
    const triangle = symbol(symbolTriangle, 46)() ?? '';
    layer(f.plot, 'dots')
      .selectAll<SVGPathElement, (typeof marks)[number]>('path.trajectory-dot')
      .data(marks, (d) => d.key)
      .join('path')
      .attr('class', (d) => `trajectory-dot series-${d.s.color % 8}${d.v.lowerBound ? ' is-lower-bound' : ''}`)
      .attr('data-series', (d) => d.s.id)
      .attr('data-epoch', (d) => d.v.epoch)
      .attr('d', (d) => (d.v.lowerBound ? triangle : circlePath(3)))
      .attr('transform', (d) => `translate(${x(d.v.epoch)},${y(d.v.value)})`);

    // A measured absence (a value with only a text, e.g. "none of the δ tested") is a cross on the x axis.
    const absent = series.flatMap((s) =>
      s.values.filter((v) => !drawable(v) && v.text !== undefined).map((v) => ({ s, v, key: `${s.id}@${v.epoch}` })),
    );
    layer(f.plot, 'absent')
      .selectAll<SVGPathElement, (typeof absent)[number]>('path.trajectory-absent')
      .data(absent, (d) => d.key)
      .join('path')
      .attr('class', (d) => `trajectory-absent series-${d.s.color % 8}`)
      .attr('data-series', (d) => d.s.id)
      .attr('data-epoch', (d) => d.v.epoch)
      .attr('d', 'M-4,-4L4,4M-4,4L4,-4')
      .attr('transform', (d) => `translate(${x(d.v.epoch)},${f.innerHeight})`)
      .attr('aria-label', (d) => `${d.s.label}, epoch ${d.v.epoch}: ${d.v.text ?? ''}`);

    legend(f.plot, entries, { x: f.innerWidth, y: -14, direction: 'row', align: 'end', maxWidth: f.innerWidth });

    const data: TrajectoryEpochDatum[] = epochs.map((epoch) => ({
      epoch,
      layer: null,
      values: series.flatMap((s) => s.values.filter((v) => v.epoch === epoch).map((value) => ({ series: s, value }))),
    }));
    targets = data.map((d) => {
      const shown = d.values.map((v) => v.value).filter(drawable);
      const top = shown.length > 0 ? Math.min(...shown.map((v) => y(v.value))) : f.innerHeight;
      return { x: margin.left + x(d.epoch), y: margin.top + top, datum: d };
    });
    const gaps = targets.slice(1).map((t, i) => t.x - targets[i].x);
    hover.radius(Math.max(8, Math.min(40, gaps.length > 0 ? Math.min(...gaps) / 2 : 40)))(svg);
  }) as TrajectoryChart;

  chart.series = accessor(
    chart,
    'trajectoryChart.series',
    () => series,
    (v) => {
      series = v;
    },
    Array.isArray,
  );
  chart.scale = accessor(
    chart,
    'trajectoryChart.scale',
    () => scale,
    (v) => {
      scale = v;
    },
    (v) => v === 'log' || v === 'linear' || v === 'share',
  );
  chart.rules = accessor(
    chart,
    'trajectoryChart.rules',
    () => rules,
    (v) => {
      rules = v;
    },
    Array.isArray,
  );
  chart.yLabel = accessor(
    chart,
    'trajectoryChart.yLabel',
    () => yLabel,
    (v) => {
      yLabel = v;
    },
    (v) => typeof v === 'string',
  );
  chart.description = accessor(
    chart,
    'trajectoryChart.description',
    () => description,
    (v) => {
      description = v;
    },
    (v) => typeof v === 'string',
  );
  chart.emptyDomain = accessor(
    chart,
    'trajectoryChart.emptyDomain',
    () => emptyDomain,
    (v) => {
      emptyDomain = v;
    },
    (v) =>
      v === null ||
      (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && Number.isFinite(v[1]) && v[0] < v[1]),
  );
  chart.selectedEpoch = accessor(
    chart,
    'trajectoryChart.selectedEpoch',
    () => selectedEpoch,
    (v) => {
      selectedEpoch = v;
    },
    (v) => v === null || (Number.isFinite(v) && v >= 0),
  );
  chart.epochSpan = accessor(
    chart,
    'trajectoryChart.epochSpan',
    () => epochSpan,
    (v) => {
      epochSpan = v;
    },
    (v) => Array.isArray(v) && v.every((e) => Number.isFinite(e) && e >= 0),
  );
  chart.width = accessor(
    chart,
    'trajectoryChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'trajectoryChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  return chart;
}

/** A line per series, then the marks that need saying: lower bounds, and measured absences (by the first one's text). */
function legendEntries(series: readonly TrajectorySeries[], scale: TrajectoryScale): LegendEntry[] {
  const drawable = (v: TrajectoryValue): boolean => Number.isFinite(v.value) && (scale !== 'log' || v.value > 0);
  const values = series.flatMap((s) => s.values);
  const absent = values.find((v) => !drawable(v) && v.text !== undefined);
  return [
    ...series.map((s) => ({
      cls: `trajectory-line series-${s.color % 8}${s.dashed ? ' is-dashed' : ''}`,
      text: s.label,
    })),
    ...(values.some((v) => drawable(v) && v.lowerBound)
      ? [{ cls: 'trajectory-dot is-lower-bound', text: 'lower bound (> value)', swatch: 'triangle-up' as const }]
      : []),
    ...(absent ? [{ cls: 'trajectory-absent', text: absent.text ?? 'none', swatch: 'cross' as const }] : []),
  ];
}

function epochTip(d: TrajectoryEpochDatum, scale: TrajectoryScale): TipContent {
  return {
    title: d.epoch === 0 ? 'Epoch 0 (initialized model)' : `Epoch ${d.epoch}`,
    rows: d.values.map(({ series, value }) => [series.label, formatTrajectoryValue(value, scale)] as const),
  };
}

/** A circle as a path, so dots and lower-bound triangles are one kind of mark. */
function circlePath(r: number): string {
  return `M${r},0A${r},${r} 0 1,1 ${-r},0A${r},${r} 0 1,1 ${r},0Z`;
}

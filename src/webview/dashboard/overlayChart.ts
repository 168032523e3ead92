import { extent, line, scaleLinear, scaleLog } from 'd3';
import { accessor, isPositiveSize, type Accessor } from '../charts/accessor';
import { bottomAxis, frame, layer, leftAxis, limitRules, logTickFormat, logTicks, type Rule } from '../charts/frame';
import { formatNumber } from '../../shared/formatNumber';
import { pointer, type PointerTarget } from '../interaction/pointer';
import type { TipContent } from '../interaction/tooltip';
import type { RunStyle } from './runStyles';

/**
 * Several runs' series against one x axis, each run in its own colour and
 * dash, with a legend at the right: the dashboard's loss, κ(J) and
 * broken-fraction overlays. A NaN y leaves a gap. Series with many points are
 * thinned to the smallest and largest value per pixel column before drawing,
 * so twenty runs of hundreds of epochs draw (and hover) as fast as a few.
 */
export interface OverlayPoint {
  readonly x: number;
  readonly y: number;
  /** Drawn hollow: the value is a bound, not a measurement (κ beyond float64). */
  readonly open?: boolean;
}

export interface OverlaySeries {
  /** The run id: the key of the series' marks. */
  readonly key: string;
  readonly label: string;
  readonly style: RunStyle;
  readonly points: readonly OverlayPoint[];
}

export type Reference = Rule;

export interface HoveredPoint {
  readonly series: OverlaySeries;
  readonly point: OverlayPoint;
}

export interface OverlayChart {
  (svg: SVGSVGElement): void;
  series: Accessor<OverlayChart, readonly OverlaySeries[]>;
  logY: Accessor<OverlayChart, boolean>;
  /** A fixed y domain (e.g. [0, 1] for a share); null: from the data. */
  yDomain: Accessor<OverlayChart, readonly [number, number] | null>;
  xLabel: Accessor<OverlayChart, string>;
  yLabel: Accessor<OverlayChart, string>;
  yFormat: Accessor<OverlayChart, (v: number) => string>;
  /** Horizontal rules, drawn dashed (the precision limits 1/ε). */
  references: Accessor<OverlayChart, readonly Reference[]>;
  /** Dots on every point (few points: one per checkpoint). */
  markers: Accessor<OverlayChart, boolean>;
  tip: Accessor<OverlayChart, (hovered: HoveredPoint) => TipContent>;
  /** Said in the plot when no series has a point to draw. */
  emptyText: Accessor<OverlayChart, string>;
  width: Accessor<OverlayChart, number>;
  height: Accessor<OverlayChart, number>;
}

const LEGEND_WIDTH = 210;
const LEGEND_ROW = 16;
const MARGIN = { top: 14, right: LEGEND_WIDTH + 16, bottom: 44, left: 64 };

/**
 * The points of a series to draw at a plot width: all of them when there are
 * few, else per pixel column the first, smallest, largest and last (in x
 * order), and every NaN (so gaps survive).
 */
function thinPoints(
  points: readonly OverlayPoint[],
  toPixel: (x: number) => number,
  maxPoints: number,
): OverlayPoint[] {
  if (points.length <= maxPoints) return [...points];
  const out: OverlayPoint[] = [];
  let column = Number.NaN;
  let bucket: OverlayPoint[] = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    const finite = bucket.filter((p) => Number.isFinite(p.y));
    if (finite.length > 0) {
      let lo = finite[0],
        hi = finite[0];
      for (const p of finite) {
        if (p.y < lo.y) lo = p;
        if (p.y > hi.y) hi = p;
      }
      const keep = new Set([finite[0], lo, hi, finite[finite.length - 1]]);
      for (const p of bucket) if (keep.has(p) || !Number.isFinite(p.y)) out.push(p);
    } else out.push(bucket[0]);
    bucket = [];
  };
  for (const p of points) {
    const c = Math.floor(toPixel(p.x));
    if (c !== column) {
      flush();
      column = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

export function overlayChart(): OverlayChart {
  let series: readonly OverlaySeries[] = [];
  let logY = false;
  let yDomain: readonly [number, number] | null = null;
  let xLabel = 'epoch';
  let yLabel = '';
  let yFormat: (v: number) => string = (v) => formatNumber(v);
  let references: readonly Reference[] = [];
  let markers = false;
  let tip: (hovered: HoveredPoint) => TipContent = ({ series: s, point }) => ({
    title: s.label,
    rows: [
      [xLabel, formatNumber(point.x)],
      [yLabel, yFormat(point.y)],
    ],
  });
  let emptyText = 'Nothing to show yet.';
  let width = 720;
  let height = 300;
  let targets: PointerTarget<HoveredPoint>[] | null = null;
  let makeTargets: () => PointerTarget<HoveredPoint>[] = () => [];
  const hover = pointer<HoveredPoint>()
    .targets(() => (targets ??= makeTargets()))
    .tip((d) => tip(d))
    .radius(18);

  const chart = ((svg: SVGSVGElement) => {
    const legendHeight = MARGIN.top + series.length * LEGEND_ROW + 8;
    const f = frame(
      svg,
      width,
      Math.max(height, legendHeight),
      MARGIN,
      `${yLabel} against ${xLabel}, ${series.length} runs${logY ? ', log scale' : ''}`,
    );
    const all = series.flatMap((s) => s.points);
    const ys = all.map((p) => p.y).filter((v) => Number.isFinite(v) && (!logY || v > 0));
    const usable = logY ? ys.length > 0 : true;
    const [lo = 0, hi = 1] =
      yDomain ?? extent([...ys, ...references.map((r) => r.value)].filter((v) => !logY || v > 0));
    const y =
      logY && usable
        ? scaleLog()
            .domain([lo / 1.5, hi * 1.5])
            .range([f.innerHeight, 0])
            .clamp(true)
        : scaleLinear()
            .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
            .nice()
            .range([f.innerHeight, 0]);
    const xs = all.map((p) => p.x).filter(Number.isFinite);
    const [x0 = 0, x1 = 1] = extent(xs);
    const x = scaleLinear()
      .domain(x0 === x1 ? [x0 - 1, x1 + 1] : [Math.min(0, x0), x1])
      .nice()
      .range([0, f.innerWidth]);

    leftAxis(
      f.plot,
      y,
      f.innerWidth,
      f.innerHeight,
      logY && usable
        ? {
            ticks: logTicks(y.domain(), 6),
            format: logTickFormat(y.domain()),
            grid: f.innerWidth,
            label: `${yLabel} (log)`,
          }
        : { count: 6, format: yDomain ? yFormat : (v: number) => formatNumber(v), grid: f.innerWidth, label: yLabel },
    );
    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, { count: 8, format: (v) => formatNumber(v), label: xLabel });

    const [yLo, yHi] = y.domain();
    const shown = references.filter((r) => r.value >= Math.min(yLo, yHi) && r.value <= Math.max(yLo, yHi));
    limitRules(f.plot, shown, y, f.innerWidth, 'inside');

    const defined = (p: OverlayPoint): boolean => Number.isFinite(p.y) && (!logY || p.y > 0);
    // Columns of two pixels, up to four points each: two points per pixel, as much as a line can show.
    const drawn = series.map((s) => ({
      s,
      points: thinPoints(s.points, (v) => x(v) / 2, Math.max(200, f.innerWidth * 2)),
    }));
    const path = line<OverlayPoint>()
      .defined(defined)
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    layer(f.plot, 'series-lines')
      .selectAll<SVGPathElement, (typeof drawn)[number]>('path.run-line')
      .data(drawn, (d) => d.s.key)
      .join('path')
      .attr('class', 'run-line')
      .attr('data-run', (d) => d.s.key)
      .attr('fill', 'none')
      .attr('stroke', (d) => d.s.style.colour)
      .attr('stroke-width', 1.8)
      .attr('stroke-dasharray', (d) => d.s.style.dash || null)
      .attr('d', (d) => path(d.points) ?? '');

    const dots = markers ? drawn.flatMap((d) => d.points.filter(defined).map((p) => ({ s: d.s, p }))) : [];
    layer(f.plot, 'series-dots')
      .selectAll<SVGCircleElement, (typeof dots)[number]>('circle.run-dot')
      .data(dots, (d) => `${d.s.key}@${d.p.x}`)
      .join('circle')
      .attr('class', 'run-dot')
      .attr('data-run', (d) => d.s.key)
      .attr('r', 3.2)
      .attr('cx', (d) => x(d.p.x))
      .attr('cy', (d) => y(d.p.y))
      .attr('stroke', (d) => d.s.style.colour)
      .attr('stroke-width', 1.5)
      .attr('fill', (d) => (d.p.open ? 'none' : d.s.style.colour));

    layer(f.plot, 'empty-note', 'text')
      .attr('x', f.innerWidth / 2)
      .attr('y', f.innerHeight / 2)
      .attr('text-anchor', 'middle')
      .text(drawn.some((d) => d.points.some(defined)) ? '' : emptyText);

    const legendItems = layer(f.plot, 'run-legend')
      .attr('transform', `translate(${f.innerWidth + 16}, 0)`)
      .selectAll<SVGGElement, OverlaySeries>('g.run-legend-entry')
      .data(series, (d) => d.key)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'run-legend-entry');
        g.append('line').attr('x1', 0).attr('x2', 22);
        g.append('text').attr('x', 28).attr('dy', '0.32em');
        return g;
      })
      .attr('data-run', (d) => d.key)
      .attr('transform', (_, i) => `translate(0, ${6 + i * LEGEND_ROW})`);
    legendItems
      .select('line')
      .attr('stroke', (d) => d.style.colour)
      .attr('stroke-width', 2.2)
      .attr('stroke-dasharray', (d) => d.style.dash || null);
    legendItems.select('text').text((d) => shorten(d.label, 30));

    // Hover targets are built when the pointer first moves over this drawing, not for every redraw of a live run.
    targets = null;
    makeTargets = () =>
      drawn.flatMap((d) =>
        d.points.filter(defined).map((p) => ({
          x: MARGIN.left + x(p.x),
          y: MARGIN.top + y(p.y),
          datum: { series: d.s, point: p },
        })),
      );
    hover(svg);
  }) as OverlayChart;

  chart.series = accessor(
    chart,
    'overlayChart.series',
    () => series,
    (v) => {
      series = v;
    },
    Array.isArray,
  );
  chart.logY = accessor(
    chart,
    'overlayChart.logY',
    () => logY,
    (v) => {
      logY = v;
    },
    (v) => typeof v === 'boolean',
  );
  chart.yDomain = accessor(
    chart,
    'overlayChart.yDomain',
    () => yDomain,
    (v) => {
      yDomain = v;
    },
    (v) => v === null || (v.length === 2 && v[0] < v[1]),
  );
  chart.xLabel = accessor(
    chart,
    'overlayChart.xLabel',
    () => xLabel,
    (v) => {
      xLabel = v;
    },
    (v) => typeof v === 'string',
  );
  chart.yLabel = accessor(
    chart,
    'overlayChart.yLabel',
    () => yLabel,
    (v) => {
      yLabel = v;
    },
    (v) => typeof v === 'string',
  );
  chart.yFormat = accessor(
    chart,
    'overlayChart.yFormat',
    () => yFormat,
    (v) => {
      yFormat = v;
    },
    (v) => typeof v === 'function',
  );
  chart.references = accessor(
    chart,
    'overlayChart.references',
    () => references,
    (v) => {
      references = v;
    },
    Array.isArray,
  );
  chart.markers = accessor(
    chart,
    'overlayChart.markers',
    () => markers,
    (v) => {
      markers = v;
    },
    (v) => typeof v === 'boolean',
  );
  chart.tip = accessor(
    chart,
    'overlayChart.tip',
    () => tip,
    (v) => {
      tip = v;
    },
    (v) => typeof v === 'function',
  );
  chart.emptyText = accessor(
    chart,
    'overlayChart.emptyText',
    () => emptyText,
    (v) => {
      emptyText = v;
    },
    (v) => typeof v === 'string',
  );
  chart.width = accessor(
    chart,
    'overlayChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'overlayChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  return chart;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

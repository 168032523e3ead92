import { area, line, range, scaleLinear, select } from 'd3';
import type { ClassDistribution } from '../../core/analysis/types';
import type { ClassNames } from '../../core/data/classNames';
import { formatNumber } from '../../shared/formatNumber';
import { classLabel, classNoun } from '../grids/classLabel';
import { pointer, type PointerTarget } from '../interaction/pointer';
import { normalDensity } from '../math/gaussian';
import { accessor, isPositiveSize, type Accessor } from './accessor';
import { frame, layer } from './frame';

/**
 * The forward network's output values per class (small multiples, one per digit)
 * against the target N(2a, 1) the loss asks for: the filled density is what the
 * network produces, the dashed curve what it should. Each panel names mean, std
 * and the Kolmogorov–Smirnov distance to the target.
 */
export interface DistributionChart {
  (svg: SVGSVGElement): void;
  classes: Accessor<DistributionChart, readonly ClassDistribution[]>;
  /** What the data's classes are called (digits when null). */
  classNames: Accessor<DistributionChart, ClassNames | null>;
  width: Accessor<DistributionChart, number>;
  /** Panels per row; the height follows from the width. */
  columns: Accessor<DistributionChart, number>;
}

const PANEL_HEIGHT = 112;
const GAP = { x: 14, y: 12 };
const PAD = { top: 30, bottom: 18, side: 4 };

function targetMean(label: number): number {
  return 2 * label;
}

/** The target curve sampled on the panel's x range (what CSV export writes too). */
export function targetCurve(d: ClassDistribution, x0: number, x1: number, n = 80): Array<[number, number]> {
  return range(n).map((i) => {
    const x = x0 + ((x1 - x0) * i) / (n - 1);
    return [x, normalDensity(x, targetMean(d.label), 1)];
  });
}

export function panelDomain(d: ClassDistribution): [number, number] {
  const xs = d.density.x.filter(Number.isFinite);
  const mu = targetMean(d.label);
  return [Math.min(mu - 4, ...xs), Math.max(mu + 4, ...xs)];
}

export function distributionChart(): DistributionChart {
  let classes: readonly ClassDistribution[] = [];
  let classNames: ClassNames | null = null;
  // 'digit 3', 'Ankle boot', 'class 7'.
  const name = (label: number) => {
    const shown = classLabel(label, classNames ?? undefined);
    return shown === String(label) ? `${classNoun(classNames ?? undefined)} ${label}` : shown;
  };
  let width = 640;
  let columns = 5;
  let targets: PointerTarget<ClassDistribution>[] = [];
  const hover = pointer<ClassDistribution>()
    .targets(() => targets)
    .tip((d) => ({
      title: `${name(d.label)}: output values`,
      rows: [
        ['images', String(d.count)],
        ['mean', `${formatNumber(d.mean)} (target ${targetMean(d.label)})`],
        ['std', `${formatNumber(d.std)} (target 1)`],
        ['skew', formatNumber(d.skew)],
        ['KS distance', formatNumber(d.ks)],
      ],
    }));

  const chart = ((svg: SVGSVGElement) => {
    const rows = Math.max(1, Math.ceil(classes.length / columns));
    const height = rows * (PANEL_HEIGHT + GAP.y);
    const f = frame(
      svg,
      width,
      height,
      { top: 0, right: 0, bottom: 0, left: 0 },
      `Output distribution of ${classes.length} classes against the target N(2a, 1)`,
    );
    const panelWidth = (f.innerWidth - GAP.x * (columns - 1)) / columns;
    const panels = layer(f.plot, 'panels')
      .selectAll<SVGGElement, ClassDistribution>('g.panel')
      .data(classes, (d) => String(d.label))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'panel');
        g.append('rect').attr('class', 'panel-frame');
        g.append('path').attr('class', 'density-area');
        g.append('path').attr('class', 'density-line');
        g.append('path').attr('class', 'target-line');
        g.append('line').attr('class', 'target-mean');
        g.append('line').attr('class', 'panel-baseline');
        g.append('text').attr('class', 'panel-title');
        g.append('text').attr('class', 'panel-stats');
        g.append('text').attr('class', 'panel-tick panel-tick-left');
        g.append('text').attr('class', 'panel-tick panel-tick-right');
        return g;
      })
      .attr('data-label', (d) => d.label)
      .attr(
        'transform',
        (_, i) =>
          `translate(${(i % columns) * (panelWidth + GAP.x)},${Math.floor(i / columns) * (PANEL_HEIGHT + GAP.y)})`,
      );

    const plotTop = PAD.top,
      plotBottom = PANEL_HEIGHT - PAD.bottom;
    targets = [];
    panels.each(function (d, i) {
      const [x0, x1] = panelDomain(d);
      const x = scaleLinear()
        .domain([x0, x1])
        .range([PAD.side, panelWidth - PAD.side]);
      const target = targetCurve(d, x0, x1);
      const points = d.density.x
        .map((xv, k) => [xv, d.density.y[k]] as [number, number])
        .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      const peak = Math.max(0.4, ...points.map((p) => p[1]));
      const y = scaleLinear()
        .domain([0, peak * 1.05])
        .range([plotBottom, plotTop]);
      const node = select(this);
      node.select('rect.panel-frame').attr('x', 0).attr('y', 0).attr('width', panelWidth).attr('height', PANEL_HEIGHT);
      node.select('path.density-area').attr(
        'd',
        area<[number, number]>()
          .x((p) => x(p[0]))
          .y0(plotBottom)
          .y1((p) => y(p[1]))(points) ?? '',
      );
      node.select('path.density-line').attr(
        'd',
        line<[number, number]>()
          .x((p) => x(p[0]))
          .y((p) => y(p[1]))(points) ?? '',
      );
      node.select('path.target-line').attr(
        'd',
        line<[number, number]>()
          .x((p) => x(p[0]))
          .y((p) => y(p[1]))(target) ?? '',
      );
      node
        .select('line.target-mean')
        .attr('x1', x(targetMean(d.label)))
        .attr('x2', x(targetMean(d.label)))
        .attr('y1', plotTop)
        .attr('y2', plotBottom);
      node
        .select('line.panel-baseline')
        .attr('x1', PAD.side)
        .attr('x2', panelWidth - PAD.side)
        .attr('y1', plotBottom)
        .attr('y2', plotBottom);
      node
        .select('text.panel-title')
        .attr('x', 6)
        .attr('y', 14)
        .text(`${name(d.label)} · target N(${targetMean(d.label)}, 1)`);
      node
        .select('text.panel-stats')
        .attr('x', 6)
        .attr('y', 26)
        .text(`μ ${formatNumber(d.mean)} σ ${formatNumber(d.std)} KS ${formatNumber(d.ks, { digits: 2 })}`);
      node
        .select('text.panel-tick-left')
        .attr('x', PAD.side)
        .attr('y', PANEL_HEIGHT - 5)
        .attr('text-anchor', 'start')
        .text(formatNumber(x0, { digits: 2 }));
      node
        .select('text.panel-tick-right')
        .attr('x', panelWidth - PAD.side)
        .attr('y', PANEL_HEIGHT - 5)
        .attr('text-anchor', 'end')
        .text(formatNumber(x1, { digits: 2 }));
      targets.push({
        x: (i % columns) * (panelWidth + GAP.x) + panelWidth / 2,
        y: Math.floor(i / columns) * (PANEL_HEIGHT + GAP.y) + PANEL_HEIGHT / 2,
        datum: d,
      });
    });
    hover.radius(Math.max(panelWidth, PANEL_HEIGHT) / 2)(svg);
  }) as DistributionChart;

  chart.classes = accessor(
    chart,
    'distributionChart.classes',
    () => classes,
    (v) => {
      classes = v;
    },
    Array.isArray,
  );
  chart.classNames = accessor(
    chart,
    'distributionChart.classNames',
    () => classNames,
    (v) => {
      classNames = v;
    },
  );
  chart.width = accessor(
    chart,
    'distributionChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.columns = accessor(
    chart,
    'distributionChart.columns',
    () => columns,
    (v) => {
      columns = v;
    },
    (v) => Number.isInteger(v) && v >= 1 && v <= 10,
  );
  return chart;
}

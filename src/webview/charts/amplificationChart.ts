import { line, scaleLog, scalePoint, select } from 'd3';
import type { AmplificationPoint, AmplificationReport, LayerSpectrum } from '../../core/analysis/types';
import { formatNumber } from '../../shared/formatNumber';
import { formatDelta, subscript } from '../notation';
import type { LayerDatum } from '../interaction/layerFocus';
import { pointer, type PointerTarget } from '../interaction/pointer';
import { accessor, isLayerOrNull, isLogDomainOrNull, isPositiveSize, type Accessor, type Domain } from './accessor';
import { bottomAxis, frame, layer, leftAxis, legend, logTickFormat, logTicks } from './frame';

/**
 * How noise of size δ added to the embedding grows while the network is inverted:
 * the measured error after each inverse stage (relative to δ) against the
 * worst-case bound (the product of 1/σmin per linear inverse and 1/slope per
 * inverse LeakyReLU). The x axis is the order the inverse applies the stages.
 *
 * @example
 *   amplificationChart().report(analysis.amplification[0]).delta(1e-3).layers(analysis.layers)(svg);
 */
export interface AmplificationChart {
  (svg: SVGSVGElement): void;
  report: Accessor<AmplificationChart, AmplificationReport | null>;
  /** The δ whose measurements are drawn; the nearest measured δ is used. */
  delta: Accessor<AmplificationChart, number>;
  /** The forward layers, to tell which stage inverts which layer. */
  layers: Accessor<AmplificationChart, readonly LayerSpectrum[]>;
  width: Accessor<AmplificationChart, number>;
  height: Accessor<AmplificationChart, number>;
  highlight: Accessor<AmplificationChart, number | null>;
  /** A y domain shared with other panels (compare mode); null uses amplificationDomain(data). */
  yDomain: Accessor<AmplificationChart, Domain | null>;
}

export interface StageDatum extends LayerDatum {
  /** 0 is the injected noise; stage k ≥ 1 is report.stages[k - 1]. */
  readonly position: number;
  readonly name: string;
  readonly measured: number;
  readonly bound: number;
  readonly growth: number | null;
  readonly stageBound: number | null;
  readonly errorAfter: number;
}

const MARGIN = { top: 16, right: 24, bottom: 44, left: 60 };

/** The point measured at the δ nearest to `delta` (on a log scale). */
export function nearestPoint(points: readonly AmplificationPoint[], delta: number): AmplificationPoint | null {
  let best: AmplificationPoint | null = null;
  for (const p of points) {
    if (best === null || Math.abs(Math.log(p.delta / delta)) < Math.abs(Math.log(best.delta / delta))) best = p;
  }
  return best;
}

/**
 * Which forward layer each inverse stage undoes. The inverse runs from the last
 * layer to the first and undoes a layer's LeakyReLU before its Linear. Returns
 * null when the stage count does not match the layers (an unfamiliar report).
 */
export function stageLayers(layers: readonly LayerSpectrum[], stageCount: number): number[] | null {
  const owners: number[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    if (layers[i].activation) owners.push(layers[i].index);
    owners.push(layers[i].index);
  }
  return owners.length === stageCount ? owners : null;
}

export function stageData(
  report: AmplificationReport,
  point: AmplificationPoint,
  owners: number[] | null,
): StageDatum[] {
  const data: StageDatum[] = [
    {
      layer: null,
      position: 0,
      name: `noise δ = ${formatDelta(point.delta)}`,
      measured: 1,
      bound: 1,
      growth: null,
      stageBound: null,
      errorAfter: point.delta,
    },
  ];
  let bound = 1;
  report.stages.forEach((name, i) => {
    bound *= report.boundPerStage[i];
    data.push({
      layer: owners ? owners[i] : null,
      position: i + 1,
      name,
      measured: point.errorAfterStage[i] / point.delta,
      bound,
      growth: point.growthPerStage[i],
      stageBound: report.boundPerStage[i],
      errorAfter: point.errorAfterStage[i],
    });
  });
  return data;
}

/** Both curves with room above; at least 1 to 10, since growth starts at 1. */
export function amplificationDomain(data: readonly StageDatum[]): Domain {
  const values = data.flatMap((d) => [d.measured, d.bound]).filter((v) => Number.isFinite(v) && v > 0);
  return [Math.min(0.5, ...values) / 1.5, Math.max(10, ...values) * 3];
}

export function amplificationChart(): AmplificationChart {
  let report: AmplificationReport | null = null;
  let delta = 1e-3;
  let layers: readonly LayerSpectrum[] = [];
  let width = 420;
  let height = 260;
  let highlight: number | null = null;
  let yDomain: Domain | null = null;
  let svgElement: SVGSVGElement | null = null;
  let targets: PointerTarget<StageDatum>[] = [];
  const hover = pointer<StageDatum>()
    .mode('x')
    .targets(() => targets)
    .tip((d) => ({
      title: d.position === 0 ? d.name : `Stage ${d.position}: ${d.name}`,
      rows:
        d.position === 0
          ? [['error', formatNumber(d.errorAfter)]]
          : [
              ['growth this stage', `×${formatNumber(d.growth ?? Number.NaN)}`],
              ['bound this stage', `×${formatNumber(d.stageBound ?? Number.NaN)}`],
              ['error after', formatNumber(d.errorAfter)],
              ['total so far', `×${formatNumber(d.measured)}`],
              ['bound so far', `×${formatNumber(d.bound)}`],
            ],
    }));

  const chart = ((svg: SVGSVGElement) => {
    svgElement = svg;
    const f = frame(svg, width, height, MARGIN, 'Inverse error amplification per stage against the bound, log scale');
    const point = report ? nearestPoint(report.points, delta) : null;
    const data = report && point ? stageData(report, point, stageLayers(layers, report.stages.length)) : [];
    const y = scaleLog()
      .domain([...(yDomain ?? amplificationDomain(data))])
      .range([f.innerHeight, 0])
      .clamp(true);
    const x = scalePoint<number>()
      .domain(data.map((d) => d.position))
      .range([0, f.innerWidth])
      .padding(0.4);
    const xOf = (d: StageDatum): number => x(d.position) ?? 0;

    leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
      ticks: logTicks(y.domain(), 7),
      format: logTickFormat(y.domain()),
      grid: f.innerWidth,
      label: 'error ÷ δ (log)',
    });
    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, {
      format: (p) => (p === 0 ? 'δ' : shortStage(data[p]?.name ?? '')),
      label: 'inverse stages, in the order applied',
    });

    // A band behind the stages of the highlighted layer ties this chart to the others.
    const step = x.step();
    layer(f.plot, 'stage-bands')
      .lower()
      .selectAll<SVGRectElement, StageDatum>('rect.stage-band')
      .data(
        data.filter((d) => d.position > 0),
        (d) => String(d.position),
      )
      .join('rect')
      .attr('class', 'stage-band')
      .attr('data-layer', (d) => d.layer ?? '')
      .attr('x', (d) => xOf(d) - step / 2)
      .attr('width', step)
      .attr('y', 0)
      .attr('height', f.innerHeight);

    const boundLine = line<StageDatum>()
      .defined((d) => Number.isFinite(d.bound) && d.bound > 0)
      .x(xOf)
      .y((d) => y(d.bound));
    const measuredLine = line<StageDatum>()
      .defined((d) => Number.isFinite(d.measured) && d.measured > 0)
      .x(xOf)
      .y((d) => y(d.measured));
    layer(f.plot, 'bound-line', 'path').attr('d', boundLine(data) ?? '');
    layer(f.plot, 'measured-line', 'path').attr('d', measuredLine(data) ?? '');
    layer(f.plot, 'measured-dots')
      .selectAll<SVGCircleElement, StageDatum>('circle.measured-dot')
      .data(
        data.filter((d) => Number.isFinite(d.measured) && d.measured > 0),
        (d) => String(d.position),
      )
      .join('circle')
      .attr('class', 'measured-dot')
      .attr('data-layer', (d) => d.layer ?? '')
      .attr('cx', xOf)
      .attr('cy', (d) => y(d.measured))
      .attr('r', 3.5);

    legend(
      f.plot,
      [
        { cls: 'measured-line', text: point ? `measured at δ = ${formatDelta(point.delta)}` : 'measured' },
        { cls: 'bound-line', text: report ? `bound (total ×${formatNumber(report.totalBound)})` : 'bound' },
      ],
      { x: 8, y: 4, direction: 'column' },
    );

    targets = data.map((d) => ({
      x: MARGIN.left + xOf(d),
      y: MARGIN.top + y(Math.max(d.measured, y.domain()[0])),
      datum: d,
    }));
    hover.radius(Math.max(8, step / 2))(svg);
    applyHighlight();
  }) as AmplificationChart;

  function applyHighlight(): void {
    if (!svgElement) return;
    select(svgElement)
      .selectAll<SVGElement, StageDatum>('.stage-band, .measured-dot')
      .classed('is-highlighted', (d) => highlight !== null && d.layer === highlight);
  }

  chart.report = accessor(
    chart,
    'amplificationChart.report',
    () => report,
    (v) => {
      report = v;
    },
    (v) => v === null || Array.isArray(v.points),
  );
  chart.delta = accessor(
    chart,
    'amplificationChart.delta',
    () => delta,
    (v) => {
      delta = v;
    },
    (v) => Number.isFinite(v) && v > 0,
  );
  chart.layers = accessor(
    chart,
    'amplificationChart.layers',
    () => layers,
    (v) => {
      layers = v;
    },
    Array.isArray,
  );
  chart.width = accessor(
    chart,
    'amplificationChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'amplificationChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  chart.highlight = accessor(
    chart,
    'amplificationChart.highlight',
    () => highlight,
    (v) => {
      highlight = v;
      applyHighlight();
    },
    isLayerOrNull,
  );
  chart.yDomain = accessor(
    chart,
    'amplificationChart.yDomain',
    () => yDomain,
    (v) => {
      yDomain = v;
    },
    isLogDomainOrNull,
  );
  return chart;
}

/**
 * A tick label short enough for eight stages side by side: W₄⁻¹ for a linear
 * inverse, φ₄⁻¹ for an inverse LeakyReLU (the tooltip has the full name).
 */
function shortStage(name: string): string {
  const layerNumber = /(\d+)/.exec(name)?.[1];
  if (layerNumber !== undefined && /linear/i.test(name)) return `W${subscript(layerNumber)}⁻¹`;
  if (layerNumber !== undefined && /relu|activation/i.test(name)) return `φ${subscript(layerNumber)}⁻¹`;
  return name.length > 8 ? `${name.slice(0, 7)}…` : name;
}

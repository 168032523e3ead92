import { line, scaleLinear, scaleLog, select } from 'd3';
import type { LayerSpectrum } from '../../core/analysis/types';
import { formatNumber } from '../../shared/formatNumber';
import { subscript } from '../notation';
import { layerName, type LayerDatum } from '../interaction/layerFocus';
import { pointer, type PointerTarget } from '../interaction/pointer';
import { accessor, isLayerOrNull, isLogDomainOrNull, isPositiveSize, type Accessor, type Domain } from './accessor';
import { bottomAxis, frame, layer, leftAxis, logTickFormat, logTicks } from './frame';

/**
 * The singular values of every layer, descending, one line per layer on a log
 * scale. How far a line falls on its right end is how much that layer squeezes
 * some direction, which its inverse then stretches back.
 *
 * @example
 *   spectrumChart().layers(analysis.layers).width(480)(svgElement);
 */
export interface SpectrumChart {
  (svg: SVGSVGElement): void;
  layers: Accessor<SpectrumChart, readonly LayerSpectrum[]>;
  width: Accessor<SpectrumChart, number>;
  height: Accessor<SpectrumChart, number>;
  highlight: Accessor<SpectrumChart, number | null>;
  /** A y domain shared with other panels (compare mode); null uses spectrumDomain(layers). */
  yDomain: Accessor<SpectrumChart, Domain | null>;
}

/** From below the smallest positive singular value to above the largest. */
export function spectrumDomain(layers: readonly LayerSpectrum[]): Domain {
  const positive = layers.flatMap((l) => l.singularValues.filter((s) => Number.isFinite(s) && s > 0));
  const lo = positive.length > 0 ? Math.min(...positive) : 1e-3;
  const hi = positive.length > 0 ? Math.max(...positive) : 1;
  return [lo / 1.5, hi * 1.5];
}

export interface SpectrumDatum extends LayerDatum {
  readonly layer: number;
  /** 1-based rank of the singular value. */
  readonly rank: number;
  readonly sigma: number;
  readonly spectrum: LayerSpectrum;
}

const MARGIN = { top: 14, right: 74, bottom: 42, left: 56 };

export function spectrumChart(): SpectrumChart {
  let layers: readonly LayerSpectrum[] = [];
  let width = 420;
  let height = 240;
  let highlight: number | null = null;
  let yDomain: Domain | null = null;
  let svgElement: SVGSVGElement | null = null;
  let targets: PointerTarget<SpectrumDatum>[] = [];
  const hover = pointer<SpectrumDatum>()
    .radius(16)
    .targets(() => targets)
    .tip((d) => ({
      title: `${layerName(d.layer)} · σ${subscript(d.rank)}`,
      rows: [
        ['σ', formatNumber(d.sigma)],
        ['rank', `${d.rank} of ${d.spectrum.singularValues.length}`],
        ['κ', formatNumber(d.spectrum.cond)],
      ],
    }));

  const chart = ((svg: SVGSVGElement) => {
    svgElement = svg;
    const f = frame(svg, width, height, MARGIN, `Singular value spectrum of ${layers.length} layers, log scale`);
    const n = Math.max(1, ...layers.map((l) => l.singularValues.length));
    const [lo, hi] = yDomain ?? spectrumDomain(layers);
    const y = scaleLog().domain([lo, hi]).range([f.innerHeight, 0]).clamp(true);
    const x = scaleLinear().domain([1, n]).range([0, f.innerWidth]);

    leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
      ticks: logTicks(y.domain(), 6),
      format: logTickFormat(y.domain()),
      grid: f.innerWidth,
      label: 'σ (log)',
    });
    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, {
      ticks: rankTicks(n),
      format: (v) => String(v),
      label: 'rank of singular value',
    });

    const path = line<number>()
      .defined((s) => Number.isFinite(s) && s > 0)
      .x((_, i) => x(i + 1))
      .y((s) => y(s));
    layer(f.plot, 'lines')
      .selectAll<SVGPathElement, LayerSpectrum>('path.layer-line')
      .data(layers, (d) => String(d.index))
      .join('path')
      .attr('class', (d) => `layer-line series-${d.index % 8}`)
      .attr('data-layer', (d) => d.index)
      .attr('d', (d) => path(d.singularValues) ?? '');

    // Line labels at the right end, where the lines separate most.
    const labelY = spreadLabels(
      layers.map((l) => y(lastPositive(l.singularValues) ?? lo)),
      12,
    );
    layer(f.plot, 'labels')
      .selectAll<SVGTextElement, LayerSpectrum>('text.line-label')
      .data(layers, (d) => String(d.index))
      .join('text')
      .attr('class', (d) => `line-label series-text-${d.index % 8}`)
      .attr('data-layer', (d) => d.index)
      .attr('x', f.innerWidth + 6)
      .attr('y', (_, i) => labelY[i])
      .attr('dy', '0.32em')
      .text((d) => layerName(d.index));

    targets = layers.flatMap((spectrum) =>
      spectrum.singularValues.flatMap((sigma, i) =>
        Number.isFinite(sigma) && sigma > 0
          ? [
              {
                x: MARGIN.left + x(i + 1),
                y: MARGIN.top + y(sigma),
                datum: { layer: spectrum.index, rank: i + 1, sigma, spectrum },
              },
            ]
          : [],
      ),
    );
    hover(svg);
    applyHighlight();
  }) as SpectrumChart;

  function applyHighlight(): void {
    if (!svgElement) return;
    select(svgElement)
      .selectAll<SVGElement, LayerSpectrum>('.layer-line, .line-label')
      .classed('is-highlighted', (d) => d.index === highlight)
      .classed('is-dimmed', (d) => highlight !== null && d.index !== highlight);
    // The highlighted line is drawn last so it is not hidden under the others.
    select(svgElement).selectAll<SVGPathElement, LayerSpectrum>('.layer-line.is-highlighted').raise();
  }

  chart.layers = accessor(
    chart,
    'spectrumChart.layers',
    () => layers,
    (v) => {
      layers = v;
    },
    Array.isArray,
  );
  chart.width = accessor(
    chart,
    'spectrumChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'spectrumChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  chart.highlight = accessor(
    chart,
    'spectrumChart.highlight',
    () => highlight,
    (v) => {
      highlight = v;
      applyHighlight();
    },
    isLayerOrNull,
  );
  chart.yDomain = accessor(
    chart,
    'spectrumChart.yDomain',
    () => yDomain,
    (v) => {
      yDomain = v;
    },
    isLogDomainOrNull,
  );
  return chart;
}

function rankTicks(n: number): number[] {
  if (n <= 8) return Array.from({ length: n }, (_, i) => i + 1);
  const step = n > 600 ? 100 : n > 300 ? 50 : Math.ceil(n / 8);
  const ticks = [1];
  for (let t = step; t < n; t += step) ticks.push(t);
  if (n - ticks[ticks.length - 1] > step / 3) ticks.push(n);
  return ticks;
}

function lastPositive(values: readonly number[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i]) && values[i] > 0) return values[i];
  return null;
}

/** Moves label positions apart so none are closer than `gap` (labels sit at line ends). */
function spreadLabels(positions: number[], gap: number): number[] {
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  for (let k = 1; k < order.length; k++) order[k].p = Math.max(order[k].p, order[k - 1].p + gap);
  const out = new Array<number>(positions.length);
  for (const o of order) out[o.i] = o.p;
  return out;
}

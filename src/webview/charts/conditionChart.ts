import { scaleBand, scaleLog, select } from 'd3';
import type { LayerSpectrum } from '../../core/analysis/types';
import { formatNumber } from '../../shared/formatNumber';
import { layerName, type LayerDatum } from '../interaction/layerFocus';
import { pointer, type PointerTarget } from '../interaction/pointer';
import type { TipContent } from '../interaction/tooltip';
import { accessor, isLayerOrNull, isLogDomainOrNull, isPositiveSize, type Accessor, type Domain } from './accessor';
import { bottomAxis, frame, layer, leftAxis, limitRules, logTickFormat, logTicks } from './frame';

/**
 * Condition number κ₂ = σmax/σmin of every layer as bars on a log scale, with the
 * float32 precision limit 1/ε drawn as a rule: a layer near it loses every digit
 * of its input when inverted in float32.
 *
 * @example
 *   conditionChart().layers(analysis.layers).width(480)(svgElement);
 */
export interface ConditionChart {
  (svg: SVGSVGElement): void;
  layers: Accessor<ConditionChart, readonly LayerSpectrum[]>;
  width: Accessor<ConditionChart, number>;
  height: Accessor<ConditionChart, number>;
  /** The highlighted layer (linked hover), or null. */
  highlight: Accessor<ConditionChart, number | null>;
  /** A y domain shared with other panels (compare mode); null uses conditionDomain(layers). */
  yDomain: Accessor<ConditionChart, Domain | null>;
}

/** κ from 1 to above the largest finite κ and the float32 limit, so that rule is always in view. */
export function conditionDomain(layers: readonly LayerSpectrum[]): Domain {
  const finite = layers.map((l) => l.cond).filter((c) => Number.isFinite(c) && c > 0);
  return [1, Math.max(FLOAT32_LIMIT * 4, ...finite.map((c) => c * 4))];
}

export interface ConditionDatum extends LayerDatum {
  readonly layer: number;
  readonly spectrum: LayerSpectrum;
}

/** 1/ε for float32 (2⁻²³) and float64 (2⁻⁵²). */
export const FLOAT32_LIMIT = 2 ** 23;
export const FLOAT64_LIMIT = 2 ** 52;

const MARGIN = { top: 22, right: 64, bottom: 32, left: 56 };

function conditionTip(spectrum: LayerSpectrum): TipContent {
  return {
    title: `${layerName(spectrum.index)} (nn.Sequential ${spectrum.sequentialIndex})`,
    rows: [
      ['κ', formatNumber(spectrum.cond)],
      ['σmax', formatNumber(spectrum.sigmaMax)],
      ['σmin', formatNumber(spectrum.sigmaMin)],
      ['log|det W|', formatNumber(spectrum.logAbsDet)],
      ['stable rank', formatNumber(spectrum.stableRank)],
      ['then', spectrum.activation ? 'LeakyReLU' : 'no activation'],
    ],
    note: 'Click to pin · arrow keys move between layers',
  };
}

export function conditionChart(): ConditionChart {
  let layers: readonly LayerSpectrum[] = [];
  let width = 420;
  let height = 240;
  let highlight: number | null = null;
  let yDomain: Domain | null = null;
  let svgElement: SVGSVGElement | null = null;
  let targets: PointerTarget<ConditionDatum>[] = [];
  let active = 0; // the bar that holds tabindex=0 (roving focus)
  const hover = pointer<ConditionDatum>()
    .mode('x')
    .targets(() => targets)
    .tip((d) => conditionTip(d.spectrum));

  const chart = ((svg: SVGSVGElement) => {
    svgElement = svg;
    const f = frame(svg, width, height, MARGIN, `Condition number per layer, ${layers.length} layers, log scale`);
    const [bottom, top] = yDomain ?? conditionDomain(layers);
    const y = scaleLog().domain([bottom, top]).range([f.innerHeight, 0]).clamp(true);
    const x = scaleBand<number>()
      .domain(layers.map((l) => l.index))
      .range([0, f.innerWidth])
      .padding(0.3);

    const ticks = logTicks(y.domain(), 6);
    leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
      ticks,
      format: logTickFormat(y.domain()),
      grid: f.innerWidth,
      label: 'κ (log)',
    });
    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, { format: (i) => layerName(i) });

    const limits = [{ value: FLOAT32_LIMIT, label: 'f32 1/ε' }].concat(
      top > FLOAT64_LIMIT ? [{ value: FLOAT64_LIMIT, label: 'f64 1/ε' }] : [],
    );
    limitRules(f.plot, limits, y, f.innerWidth);

    const data: ConditionDatum[] = layers.map((spectrum) => ({ layer: spectrum.index, spectrum }));
    active = Math.min(active, Math.max(0, data.length - 1));
    const barTop = (d: ConditionDatum): number =>
      Number.isFinite(d.spectrum.cond) ? y(Math.max(1, d.spectrum.cond)) : 0;
    const bars = layer(f.plot, 'bars')
      .attr('role', 'list')
      .attr('aria-label', 'Layers')
      .selectAll<SVGRectElement, ConditionDatum>('rect.bar')
      .data(data, (d) => String(d.layer))
      .join('rect')
      .attr('class', (d) => `bar series-${d.layer % 8}`)
      .classed('is-singular', (d) => !Number.isFinite(d.spectrum.cond))
      .attr('data-layer', (d) => d.layer)
      .attr('role', 'listitem')
      .attr('tabindex', (_, i) => (i === active ? 0 : -1))
      .attr(
        'aria-label',
        (d) =>
          `${layerName(d.layer)}: condition number ${formatNumber(d.spectrum.cond)}, sigma max ${formatNumber(d.spectrum.sigmaMax)}, sigma min ${formatNumber(d.spectrum.sigmaMin)}`,
      )
      .attr('x', (d) => x(d.layer) ?? 0)
      .attr('width', x.bandwidth())
      .attr('y', barTop)
      .attr('height', (d) => Math.max(1, f.innerHeight - barTop(d)));

    layer(f.plot, 'values')
      .selectAll<SVGTextElement, ConditionDatum>('text.value')
      .data(data, (d) => String(d.layer))
      .join('text')
      .attr('class', 'value')
      .attr('x', (d) => (x(d.layer) ?? 0) + x.bandwidth() / 2)
      .attr('y', (d) => barTop(d) - 5)
      .attr('text-anchor', 'middle')
      .text((d) => formatNumber(d.spectrum.cond));

    targets = data.map((d) => ({
      x: MARGIN.left + (x(d.layer) ?? 0) + x.bandwidth() / 2,
      y: MARGIN.top + barTop(d),
      datum: d,
    }));
    hover.radius(Math.max(12, (x.step() * 1) / 2))(svg);
    bars
      .on('focus', (event: FocusEvent, d) => {
        active = data.indexOf(d);
        const box = (event.currentTarget as SVGRectElement).getBoundingClientRect();
        hover.focus(d, box.right, box.top + Math.min(box.height / 2, 40));
      })
      .on('blur', () => hover.blur())
      .on('keydown', (event: KeyboardEvent) => moveFocus(event, bars.nodes()))
      .on('keyup', (event: KeyboardEvent, d) => {
        // Enter pins the tip as a click does, for people without a mouse.
        if (event.key !== 'Enter' && event.key !== ' ') return;
        const box = (event.currentTarget as SVGRectElement).getBoundingClientRect();
        hover.togglePin(d, box.right, box.top + Math.min(box.height / 2, 40));
      });
    applyHighlight();
  }) as ConditionChart;

  function moveFocus(event: KeyboardEvent, nodes: SVGRectElement[]): void {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    let next: number | null = null;
    if (step !== undefined) next = Math.min(nodes.length - 1, Math.max(0, active + step));
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = nodes.length - 1;
    if (next === null) return;
    event.preventDefault();
    nodes.forEach((n, i) => n.setAttribute('tabindex', i === next ? '0' : '-1'));
    active = next;
    nodes[next].focus();
  }

  function applyHighlight(): void {
    if (!svgElement) return;
    select(svgElement)
      .selectAll<SVGRectElement, ConditionDatum>('rect.bar')
      .classed('is-highlighted', (d) => d.layer === highlight)
      .classed('is-dimmed', (d) => highlight !== null && d.layer !== highlight);
  }

  chart.layers = accessor(
    chart,
    'conditionChart.layers',
    () => layers,
    (v) => {
      layers = v;
    },
    Array.isArray,
  );
  chart.width = accessor(
    chart,
    'conditionChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'conditionChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  chart.highlight = accessor(
    chart,
    'conditionChart.highlight',
    () => highlight,
    (v) => {
      highlight = v;
      applyHighlight();
    },
    isLayerOrNull,
  );
  chart.yDomain = accessor(
    chart,
    'conditionChart.yDomain',
    () => yDomain,
    (v) => {
      yDomain = v;
    },
    isLogDomainOrNull,
  );
  return chart;
}

import { axisBottom, axisLeft, axisRight, select } from 'd3';
import type { AxisScale, Selection } from 'd3';
import { formatNumber } from '../../shared/formatNumber';
import { formatPowerOfTen } from '../notation';

/** The chart building blocks every chart file shares: sizing, layers, axes. */
export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export type G = Selection<SVGGElement, unknown, null, undefined>;

export interface Frame {
  readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  /** The plot area, translated by the margin; (0, 0) is its top-left corner. */
  readonly plot: G;
  readonly innerWidth: number;
  readonly innerHeight: number;
  readonly margin: Margin;
}

/** Sizes the svg, labels it for screen readers and returns its plot group. */
export function frame(element: SVGSVGElement, width: number, height: number, margin: Margin, label: string): Frame {
  const svg = select(element)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('aria-label', label)
    .classed('chart', true);
  const plot = layer(svg, 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  return {
    svg,
    plot,
    innerWidth: Math.max(10, width - margin.left - margin.right),
    innerHeight: Math.max(10, height - margin.top - margin.bottom),
    margin,
  };
}

/** The child `<tag class=cls>` of parent, created once and reused on re-render. */
export function layer<P extends Element>(
  parent: Selection<P, unknown, null, undefined>,
  cls: string,
  tag: 'g' | 'text' | 'path' | 'rect' | 'line' = 'g',
): G {
  const existing = parent.select<SVGGElement>(`:scope > ${tag}.${cls.trim().split(/\s+/).join('.')}`);
  if (!existing.empty()) return existing;
  return parent.append(tag).attr('class', cls);
}

/**
 * Ticks for a log axis: powers of ten over wide domains; over two decades or less
 * also 2× and 5× (a loss curve's plateau would otherwise get a single label).
 */
export function logTicks(domain: readonly number[], maxTicks = 8): number[] {
  const lo = Math.min(...domain),
    hi = Math.max(...domain);
  const first = Math.floor(Math.log10(lo)),
    last = Math.ceil(Math.log10(hi));
  const multiples = Math.log10(hi / lo) <= 2.5 ? [1, 2, 5] : [1];
  const step = Math.max(1, Math.ceil((last - first + 1) / maxTicks));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) {
    for (const m of multiples) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : [lo, Math.sqrt(lo * hi), hi];
}

/** Powers of ten as 10ⁿ when the ticks are only powers of ten, compact numbers otherwise. */
export function logTickFormat(domain: readonly number[]): (v: number) => string {
  const ticks = logTicks(domain);
  const powersOnly = ticks.every((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
  return powersOnly ? formatPowerOfTen : (v: number) => formatNumber(v);
}

interface AxisOptions {
  readonly ticks?: readonly number[];
  readonly count?: number;
  readonly format?: (value: number) => string;
  /** Draws faint grid lines across the plot (the tick size becomes the plot extent). */
  readonly grid?: number;
  readonly label?: string;
}

type NumericScale = AxisScale<number>;

export function bottomAxis(
  plot: G,
  scale: NumericScale,
  innerHeight: number,
  innerWidth: number,
  options: AxisOptions,
): void {
  const axis = axisBottom<number>(scale).tickSizeOuter(0);
  configure(axis, options);
  const g = layer(plot, 'axis axis-x').attr('transform', `translate(0,${innerHeight})`);
  g.call(axis);
  g.selectAll('.tick line').classed('grid-line', options.grid !== undefined);
  if (options.grid !== undefined) g.selectAll('.tick line').attr('y1', -options.grid).attr('y2', 0);
  axisLabel(g, options.label, innerWidth / 2, 34, 0);
}

export function leftAxis(
  plot: G,
  scale: NumericScale,
  innerWidth: number,
  innerHeight: number,
  options: AxisOptions,
): void {
  const axis = axisLeft<number>(scale).tickSizeOuter(0);
  configure(axis, options);
  const g = layer(plot, 'axis axis-y');
  g.call(axis);
  g.selectAll('.tick line').classed('grid-line', options.grid !== undefined);
  if (options.grid !== undefined) g.selectAll('.tick line').attr('x1', 0).attr('x2', innerWidth);
  axisLabel(g, options.label, -innerHeight / 2, -44, -90);
}

export function rightAxis(
  plot: G,
  scale: NumericScale,
  innerWidth: number,
  innerHeight: number,
  options: AxisOptions,
): void {
  const axis = axisRight<number>(scale).tickSizeOuter(0);
  configure(axis, options);
  const g = layer(plot, 'axis axis-y2').attr('transform', `translate(${innerWidth},0)`);
  g.call(axis);
  axisLabel(g, options.label, innerHeight / 2, -40, 90);
}

function configure(
  axis: { tickValues(v: number[]): unknown; ticks(n: number): unknown; tickFormat(f: (v: number) => string): unknown },
  options: AxisOptions,
): void {
  if (options.ticks) axis.tickValues([...options.ticks]);
  else axis.ticks(options.count ?? 5);
  axis.tickFormat(options.format ?? ((v: number) => formatNumber(v)));
}

function axisLabel(g: G, text: string | undefined, along: number, offset: number, rotate: number): void {
  const label = layer(g, 'axis-label', 'text');
  if (text === undefined) {
    label.remove();
    return;
  }
  label
    .attr(
      'transform',
      rotate === 0 ? `translate(${along},${offset})` : `rotate(${rotate}) translate(${along},${offset})`,
    )
    .attr('text-anchor', 'middle')
    .text(text);
}

export interface LegendEntry {
  /** Class of the swatch line, the same as the mark it stands for (so it is styled alike). */
  readonly cls: string;
  readonly text: string;
  /** 'triangle' (pointing down), 'triangle-up' or 'cross' draws a small marker instead of a line. */
  readonly swatch?: 'line' | 'triangle' | 'triangle-up' | 'cross';
}

/** Height of one legend row or column entry. */
export const LEGEND_ROW = 15;

/** A legend entry's width before it is drawn (an average glyph of 6.5 px), to reserve room for a legend. */
function legendWidthEstimate(text: string): number {
  return 22 + text.length * 6.5 + 14;
}

/** How many rows a 'row' legend of these texts takes within `maxWidth`. */
export function legendRows(texts: readonly string[], maxWidth: number): number {
  let rows = 1,
    used = 0;
  for (const w of texts.map(legendWidthEstimate)) {
    if (used > 0 && used + w - 14 > maxWidth) {
      rows += 1;
      used = 0;
    }
    used += w;
  }
  return rows;
}

/**
 * A legend laid out from the measured width of its labels, so entries never run
 * into each other whatever the font. 'row' entries end at x when align is 'end';
 * with `maxWidth`, a row that would be wider wraps, and the rows grow upwards
 * from y (the last row at y). Returns the number of rows.
 */
export function legend(
  plot: G,
  entries: readonly LegendEntry[],
  options: { x: number; y: number; direction: 'row' | 'column'; align?: 'start' | 'end'; maxWidth?: number },
): number {
  const g = layer(plot, 'legend').attr('transform', `translate(${options.x}, ${options.y})`);
  const items = g
    .selectAll<SVGGElement, LegendEntry>('g.legend-entry')
    .data(entries, (d, i) => `${i}:${d.cls}`)
    .join((enter) => {
      const item = enter.append('g').attr('class', 'legend-entry');
      item.append('path');
      item.append('text').attr('x', 22).attr('dy', '0.32em');
      return item;
    });
  items
    .select('path')
    .attr('class', (d) => d.cls)
    .attr(
      'd',
      (d) =>
        ({
          triangle: 'M5,-4L13,-4L9,3Z',
          'triangle-up': 'M5,3L13,3L9,-4Z',
          cross: 'M5,-4L13,4M5,4L13,-4',
          line: 'M0,0L18,0',
        })[d.swatch ?? 'line'],
    );
  items.select('text').text((d) => d.text);
  const widths = items.nodes().map((node) => {
    const text = node.querySelector('text');
    const measured = text && text.isConnected ? text.getComputedTextLength() : 0;
    return 22 + (measured > 0 ? measured : (text?.textContent?.length ?? 0) * 6.5) + 14;
  });
  if (options.direction === 'column') {
    items.attr('transform', (_, i) => `translate(0, ${i * LEGEND_ROW})`);
    return entries.length;
  }
  const rows: number[][] = [[]];
  let used = 0;
  widths.forEach((w, i) => {
    if (options.maxWidth !== undefined && used > 0 && used + w - 14 > options.maxWidth) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push(i);
    used += w;
  });
  const positions: Array<[number, number]> = [];
  rows.forEach((row, r) => {
    const total = row.reduce((a, i) => a + widths[i], 0) - 14;
    let offset = options.align === 'end' ? -total : 0;
    for (const i of row) {
      positions[i] = [offset, (r - rows.length + 1) * LEGEND_ROW];
      offset += widths[i];
    }
  });
  items.attr('transform', (_, i) => `translate(${positions[i][0]}, ${positions[i][1]})`);
  return rows.length;
}

/** A labelled horizontal rule: a precision's 1/ε, a chance level. */
export interface Rule {
  readonly value: number;
  readonly label: string;
}

/**
 * Dashed horizontal rules across the plot at `y(value)`, labelled in the right
 * margin, where no mark or value label can cover them ('margin'), or just above
 * the rule at the plot's right edge when the margin holds a legend ('inside').
 */
export function limitRules(
  plot: G,
  rules: readonly Rule[],
  y: (value: number) => number,
  innerWidth: number,
  labelAt: 'margin' | 'inside' = 'margin',
): void {
  const groups = layer(plot, 'limits')
    .selectAll<SVGGElement, Rule>('g.limit')
    .data(rules, (d) => d.label)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'limit');
      g.append('line').attr('class', 'limit-line');
      g.append('text').attr('class', 'limit-label');
      return g;
    });
  groups
    .select('line')
    .attr('x1', 0)
    .attr('x2', innerWidth)
    .attr('y1', (d) => y(d.value))
    .attr('y2', (d) => y(d.value));
  const labels = groups.select('text').text((d) => d.label);
  if (labelAt === 'margin')
    labels
      .attr('x', innerWidth + 4)
      .attr('y', (d) => y(d.value))
      .attr('dy', '0.32em')
      .attr('text-anchor', 'start');
  else
    labels
      .attr('x', innerWidth - 4)
      .attr('y', (d) => y(d.value) - 4)
      .attr('dy', null)
      .attr('text-anchor', 'end');
}

import { SVG_NS, titleAndBackground } from './svgHeader';

/**
 * Turns a live chart <svg> into a standalone SVG file. The page styles charts with
 * classes and VS Code's CSS variables, which mean nothing outside the webview, so
 * every element's computed paint and font are written onto the copy as
 * presentation attributes (attributes, not style="": the page's CSP forbids
 * inline style attributes, and presentation attributes are not styles to it).
 */
const PAINT_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

export function serializeSvg(svg: SVGSVGElement, options: { title: string; background: string }): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlinePaint(svg, copy);
  const view = window.getComputedStyle(svg);
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('font-family', view.fontFamily);
  copy.removeAttribute('tabindex');
  copy.querySelectorAll('[tabindex]').forEach((el) => el.removeAttribute('tabindex'));
  // Hover state is not part of the chart.
  copy.querySelectorAll('.pointer-mark').forEach((el) => el.remove());
  copy.prepend(...titleAndBackground(svg.ownerDocument, options));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

function inlinePaint(source: Element, target: Element): void {
  const style = window.getComputedStyle(source);
  if (style.display === 'none') {
    target.setAttribute('display', 'none');
  }
  for (const property of PAINT_PROPERTIES) {
    const value = style.getPropertyValue(property);
    if (value !== '' && value !== 'normal' && value !== 'auto') target.setAttribute(property, value);
  }
  const sources = source.children,
    targets = target.children;
  for (let i = 0; i < sources.length; i++) inlinePaint(sources[i], targets[i]);
}

/** The editor background as the page computes it, for exported backgrounds. */
export function pageBackground(doc: Document): string {
  const color = window.getComputedStyle(doc.body).backgroundColor;
  return color === '' || color === 'rgba(0, 0, 0, 0)' ? '#ffffff' : color;
}

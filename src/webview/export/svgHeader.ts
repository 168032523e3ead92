export const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The <title> and full-size background <rect> every exported SVG starts with:
 * outside the webview there is no theme behind the figure, so it carries its own.
 */
export function titleAndBackground(
  doc: Document,
  options: { title: string; background: string },
): [SVGTitleElement, SVGRectElement] {
  const title = doc.createElementNS(SVG_NS, 'title');
  title.textContent = options.title;
  const background = doc.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', options.background);
  return [title, background];
}

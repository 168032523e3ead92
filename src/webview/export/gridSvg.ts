import { SVG_NS, titleAndBackground } from './svgHeader';

/**
 * Builds a standalone SVG from an HTML grid of image canvases and labels, laid out
 * as they appear on screen. Canvases are embedded as PNG data URLs upscaled with
 * nearest-neighbour sampling, so each pixel stays a sharp square in any viewer.
 * Text comes from elements marked `data-export-text`.
 */

export interface GridSvg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

export function gridToSvg(container: HTMLElement, options: { title: string; background: string }): GridSvg {
  const origin = container.getBoundingClientRect();
  const width = Math.ceil(container.scrollWidth);
  const height = Math.ceil(container.scrollHeight);
  const doc = container.ownerDocument;
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.append(...titleAndBackground(doc, options));

  for (const element of container.querySelectorAll<HTMLElement | HTMLCanvasElement>('canvas, [data-export-text]')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (element instanceof HTMLCanvasElement) {
      const x = box.left - origin.left + container.scrollLeft;
      const y = box.top - origin.top + container.scrollTop;
      const image = doc.createElementNS(SVG_NS, 'image');
      image.setAttribute('href', upscaled(element, Math.max(1, Math.round(box.width / element.width))));
      image.setAttribute('x', x.toFixed(1));
      image.setAttribute('y', y.toFixed(1));
      image.setAttribute('width', box.width.toFixed(1));
      image.setAttribute('height', box.height.toFixed(1));
      const label = element.getAttribute('aria-label');
      if (label) {
        const t = doc.createElementNS(SVG_NS, 'title');
        t.textContent = label;
        image.append(t);
      }
      svg.append(image);
    } else {
      const style = window.getComputedStyle(element);
      const size = parseFloat(style.fontSize) || 12;
      // A paragraph the page wraps is written line by line where it wraps; one SVG line would run off the figure.
      for (const line of renderedLines(element)) {
        const text = doc.createElementNS(SVG_NS, 'text');
        text.setAttribute('x', (line.left - origin.left + container.scrollLeft).toFixed(1));
        text.setAttribute(
          'y',
          (line.top - origin.top + container.scrollTop + (line.height + size * 0.7) / 2).toFixed(1),
        );
        text.setAttribute('font-size', String(size));
        text.setAttribute('font-family', style.fontFamily);
        text.setAttribute('font-weight', style.fontWeight);
        text.setAttribute('fill', style.color);
        text.textContent = line.text;
        svg.append(text);
      }
    }
  }
  return {
    svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`,
    width,
    height,
  };
}

interface RenderedLine {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly height: number;
}

/** An element's words grouped into the lines the page laid them out on, with each line's box on the page. */
function renderedLines(element: HTMLElement): RenderedLine[] {
  const doc = element.ownerDocument;
  const range = doc.createRange();
  const lines: Array<{ words: string[]; left: number; top: number; height: number }> = [];
  const walker = doc.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.nodeValue ?? '';
    for (const match of value.matchAll(/\S+/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const box = range.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const line = lines.find((l) => Math.abs(l.top - box.top) < box.height / 2);
      if (line) {
        line.words.push(match[0]);
        line.left = Math.min(line.left, box.left);
      } else {
        lines.push({ words: [match[0]], left: box.left, top: box.top, height: box.height });
      }
    }
  }
  return lines.map((l) => ({ text: l.words.join(' '), left: l.left, top: l.top, height: l.height }));
}

function upscaled(canvas: HTMLCanvasElement, factor: number): string {
  const big = canvas.ownerDocument.createElement('canvas');
  big.width = canvas.width * factor;
  big.height = canvas.height * factor;
  const context = big.getContext('2d');
  if (!context) return canvas.toDataURL('image/png');
  context.imageSmoothingEnabled = false;
  context.drawImage(canvas, 0, 0, big.width, big.height);
  return big.toDataURL('image/png');
}

import type { ImageData28 } from '../../core/analysis/types';
import { imagePixels, SIDE, type ImageScale, type PixelStats } from './imagePixels';

/**
 * One 28×28 image as a canvas at its native resolution; CSS scales it up with
 * pixelated sampling, so the canvas holds exactly the data and nothing blurred.
 */
export function digitCanvas(
  doc: Document,
  values: ImageData28,
  scale: ImageScale,
  label: string,
): { canvas: HTMLCanvasElement; stats: PixelStats } {
  const canvas = doc.createElement('canvas');
  canvas.width = SIDE;
  canvas.height = SIDE;
  canvas.className = 'digit';
  canvas.setAttribute('role', 'img');
  const { rgba, stats } = imagePixels(values, scale);
  const broken = stats.nan + stats.infinite;
  canvas.setAttribute('aria-label', broken > 0 ? `${label} (${broken} NaN or infinite pixels)` : label);
  canvas.dataset.scale = scale;
  const context = canvas.getContext('2d');
  if (context) context.putImageData(new ImageData(rgba, SIDE, SIDE), 0, 0);
  return { canvas, stats };
}

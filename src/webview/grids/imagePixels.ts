import type { ImageData28 } from '../../core/analysis/types';

/**
 * Turns a 784-number image into RGBA pixels for a 28×28 canvas.
 *
 * 'pixel' images (originals, reconstructions, generations) live in [0, 1]: values
 * are clamped, so a reconstruction that blew up shows as saturated noise rather
 * than being rescaled into something that looks plausible. 'auto' images
 * (embeddings) have no fixed range: each is stretched from its own minimum
 * (black) to its maximum (white). NaN and ±Infinity get colours no grey value
 * can have, so broken pixels are never mistaken for dark or bright ones.
 *
 * @example
 *   const { rgba, stats } = imagePixels(example.embedding, 'auto');
 *   context.putImageData(new ImageData(rgba, 28, 28), 0, 0);
 */
export type ImageScale = 'pixel' | 'auto';

export const SIDE = 28;
const NAN_RGB = [236, 0, 140] as const;
const POS_INF_RGB = [255, 170, 0] as const;
const NEG_INF_RGB = [0, 170, 255] as const;

export interface PixelStats {
  readonly nan: number;
  readonly infinite: number;
  readonly min: number;
  readonly max: number;
  /** Finite values outside [0, 1] (clamped) for 'pixel' images. */
  readonly clamped: number;
}

export function imagePixels(
  values: ImageData28,
  scale: ImageScale,
): { rgba: Uint8ClampedArray<ArrayBuffer>; stats: PixelStats } {
  if (values.length !== SIDE * SIDE)
    throw new RangeError(`imagePixels: expected ${SIDE * SIDE} values, got ${values.length}`);
  let min = Infinity,
    max = -Infinity,
    nan = 0,
    infinite = 0,
    clamped = 0;
  for (const raw of values) {
    const v = typeof raw === 'number' ? raw : Number.NaN; // JSON turns NaN into null
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) infinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      if (scale === 'pixel' && (v < -1e-6 || v > 1 + 1e-6)) clamped++;
    }
  }
  const lo = scale === 'pixel' ? 0 : min;
  const span = scale === 'pixel' ? 1 : max - min;
  const rgba = new Uint8ClampedArray(SIDE * SIDE * 4);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    const v = typeof raw === 'number' ? raw : Number.NaN;
    let rgb: readonly number[];
    if (Number.isNaN(v)) rgb = NAN_RGB;
    else if (v === Infinity) rgb = POS_INF_RGB;
    else if (v === -Infinity) rgb = NEG_INF_RGB;
    else {
      const t = span > 1e-12 ? Math.min(1, Math.max(0, (v - lo) / span)) : 0.5;
      const g = Math.round(t * 255);
      rgb = [g, g, g];
    }
    rgba[i * 4] = rgb[0];
    rgba[i * 4 + 1] = rgb[1];
    rgba[i * 4 + 2] = rgb[2];
    rgba[i * 4 + 3] = 255;
  }
  return { rgba, stats: { nan, infinite, min, max, clamped } };
}

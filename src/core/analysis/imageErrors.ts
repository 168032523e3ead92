import type { ErrorStats } from './types';

/** PSNR reported for an exact reconstruction (whose PSNR is infinite). */
const PSNR_CAP = 200;

/** Per-image errors of a batch of reconstructions against the originals. */
export interface ImageErrors {
  /** Mean |x̂ − x| over the image's pixels; Infinity when a pixel is NaN or infinite. */
  readonly meanAbs: Float64Array;
  /** max |x̂ − x|; Infinity when a pixel is NaN or infinite. */
  readonly maxAbs: Float64Array;
  /** PSNR in dB of the image as displayed (see displayedSquaredError), capped at PSNR_CAP. */
  readonly psnr: Float64Array;
}

/**
 * The error of each of `count` reconstructions (rows of `reconstructed`)
 * against its original (rows of `original`), n pixels each.
 *
 * MAE and the maximum are of the raw values, so an inverse that blew up
 * reports how far. PSNR is of what a viewer shows: the reconstruction clamped
 * to [0, 1], with a non-finite pixel counted as the largest error, 1. That
 * keeps it in [0, 200] dB and comparable with the 20 dB "recognizable" line
 * whatever the inverse produced.
 *
 * @example
 *   imageErrors([0.5, 2], [0.5, 1], 1, 2);
 *   // { meanAbs: [0.5], maxAbs: [1], psnr: [200] }: 2 is displayed as 1, which is exact
 */
export function imageErrors(
  reconstructed: ArrayLike<number>,
  original: ArrayLike<number>,
  count: number,
  n: number,
): ImageErrors {
  const meanAbs = new Float64Array(count);
  const maxAbs = new Float64Array(count);
  const psnr = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    let sum = 0,
      max = 0,
      squared = 0;
    for (let j = r * n; j < (r + 1) * n; j++) {
      const v = reconstructed[j];
      const x = original[j];
      const e = Number.isFinite(v) ? Math.abs(v - x) : Number.POSITIVE_INFINITY;
      sum += e;
      if (e > max) max = e;
      squared += displayedSquaredError(v, x);
    }
    meanAbs[r] = sum / n;
    maxAbs[r] = max;
    psnr[r] = psnrFromMse(squared / n);
  }
  return { meanAbs, maxAbs, psnr };
}

/** (clamp(v, 0, 1) − x)², or 1 for a NaN or infinite v: the error a person sees in one pixel. */
function displayedSquaredError(v: number, x: number): number {
  if (!Number.isFinite(v)) return 1;
  const shown = v < 0 ? 0 : v > 1 ? 1 : v;
  return (shown - x) * (shown - x);
}

/** 10·log10(1 / mse) for pixels in [0, 1], capped at PSNR_CAP (an exact image has mse 0). */
function psnrFromMse(mse: number): number {
  if (!(mse > 0)) return PSNR_CAP;
  return Math.min(PSNR_CAP, -10 * Math.log10(mse));
}

/**
 * ErrorStats over the images `rows` (all when omitted): the mean of the
 * per-image MAE, the largest error of any pixel, the mean PSNR and the
 * share of images whose MAE exceeds `brokenThreshold`.
 *
 * @example
 *   summarizeErrors(imageErrors(recon, original, count, 784), 0.1).brokenFraction;
 */
export function summarizeErrors(errors: ImageErrors, brokenThreshold: number, rows?: readonly number[]): ErrorStats {
  const chosen = rows ?? Array.from({ length: errors.meanAbs.length }, (_, i) => i);
  if (chosen.length === 0)
    return { meanAbsError: Number.NaN, maxAbsError: Number.NaN, psnr: Number.NaN, brokenFraction: Number.NaN };
  let mae = 0,
    max = 0,
    psnr = 0,
    broken = 0;
  for (const r of chosen) {
    mae += errors.meanAbs[r];
    if (errors.maxAbs[r] > max) max = errors.maxAbs[r];
    psnr += errors.psnr[r];
    if (!(errors.meanAbs[r] <= brokenThreshold)) broken++;
  }
  return {
    meanAbsError: mae / chosen.length,
    maxAbsError: max,
    psnr: psnr / chosen.length,
    brokenFraction: broken / chosen.length,
  };
}

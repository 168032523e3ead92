import { createRng, type Rng } from '../../random/rng';

/** Pixel levels: 8-bit images, so a pixel is one of 256 levels k. */
export const PIXEL_LEVELS = 256;

/**
 * The integer level k of a stored pixel value. The datasets store k/255
 * (the npm digits rounded to three decimals, which stays within 0.0005 of
 * k/255, far less than half a level), so k = round(255·x).
 */
export function pixelLevel(value: number): number {
  const k = Math.round(value * 255);
  return k < 0 ? 0 : k > 255 ? 255 : k;
}

/**
 * Uniform dequantization: x' = (k + u)/256 with u ~ U(0, 1) from `rng`, for
 * `count` rows of n pixels, written to `out` (float32). x' lies in bin k,
 * [k/256, (k+1)/256), so the model's density on [0, 1]^n integrates over each
 * bin to the probability of the discrete image and bits/dim is a bound on the
 * discrete negative log-likelihood. Rounding to float32 could land a value on
 * the bin's upper edge; it is then moved one float32 step down.
 *
 * @example
 *   const out = new Float32Array(784);
 *   dequantizeInto(image, 1, 784, createRng(1), out);  // Math.floor(256 * out[j]) === pixelLevel(image[j])
 */
export function dequantizeInto(
  images: ArrayLike<number>,
  count: number,
  n: number,
  rng: Rng,
  out: Float32Array,
): Float32Array {
  if (out.length < count * n)
    throw new RangeError(`dequantizeInto: out holds ${out.length} values, needs ${count}×${n}`);
  for (let i = 0; i < count * n; i++) {
    const k = pixelLevel(images[i]);
    let v = Math.fround((k + rng.uniform()) / PIXEL_LEVELS);
    if (v >= (k + 1) / PIXEL_LEVELS) v = float32Below(v);
    out[i] = v;
  }
  return out;
}

/** The noise of training step `step` (0-based): from the seed and the step alone, so a resumed run draws the same noise. */
export function trainingNoise(seed: number, step: number): Rng {
  return createRng(seed).fork(`dequantize-step-${step}`);
}

/**
 * The noise for evaluating a batch: from the seed and the batch's pixel levels
 * and labels, so the same test batch gets the same noise at every evaluation
 * and test bits/dim curves compare like with like.
 */
export function evaluationNoise(
  seed: number,
  images: ArrayLike<number>,
  labels: ArrayLike<number>,
  count: number,
  n: number,
): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < count * n; i++) {
    h ^= pixelLevel(images[i]);
    h = Math.imul(h, 0x01000193);
  }
  for (let r = 0; r < count; r++) {
    h ^= labels[r] + 256;
    h = Math.imul(h, 0x01000193);
  }
  return createRng(seed).fork(`dequantize-eval-${count}-${(h >>> 0).toString(16)}`);
}

const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The largest float32 below a positive float32 v. */
function float32Below(v: number): number {
  f32[0] = v;
  bits[0] -= 1;
  return f32[0];
}

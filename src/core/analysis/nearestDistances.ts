import { rowsTimesTransposed32 } from './float32Product';

/**
 * For each of `count` images (rows of `images`, n values), the Euclidean
 * distance to the nearest of `referenceCount` reference images. The
 * candidates come from one float32 product (‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b for
 * every pair at once); the winner's distance is then recomputed directly in
 * float64, so a near-copy of a reference gets a distance near 0 rather than
 * the expansion's cancellation error.
 *
 * @example
 *   nearestDistances(Float32Array.of(0, 0), 1, Float32Array.of(3, 4, 1, 1), 2, 2);  // [√2]
 */
export function nearestDistances(images: Float32Array, count: number, reference: Float32Array, referenceCount: number, n: number): Float64Array {
  if (images.length !== count * n) throw new RangeError(`nearestDistances: images must hold ${count}×${n} numbers, got ${images.length}`);
  if (reference.length !== referenceCount * n) throw new RangeError(`nearestDistances: reference must hold ${referenceCount}×${n} numbers, got ${reference.length}`);
  const out = new Float64Array(count).fill(Number.NaN);
  if (referenceCount === 0) return out;
  const refNorms = squaredNorms(reference, referenceCount, n);
  const norms = squaredNorms(images, count, n);
  const dots = rowsTimesTransposed32(images, count, reference, referenceCount, n);
  for (let i = 0; i < count; i++) {
    let best = 0;
    let bestValue = Number.POSITIVE_INFINITY;
    for (let r = 0; r < referenceCount; r++) {
      const d = norms[i] + refNorms[r] - 2 * dots[i * referenceCount + r];
      if (d < bestValue) { bestValue = d; best = r; }
    }
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = images[i * n + j] - reference[best * n + j];
      s += d * d;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

function squaredNorms(values: Float32Array, count: number, n: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = i * n; j < (i + 1) * n; j++) s += values[j] * values[j];
    out[i] = s;
  }
  return out;
}

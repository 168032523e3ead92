/**
 * Images as a person sees them, for judging them: values clamped to [0, 1]
 * (the range of a pixel), and a NaN or infinite value, which a viewer paints
 * in a colour of its own, as 0.5 (neither ink nor paper). The classifier and
 * the nearest-digit distance look at these, since they were made for pixels.
 *
 * @example
 *   displayedPixels([-3, 0.25, 7, NaN]);  // Float32Array [0, 0.25, 1, 0.5]
 */
export function displayedPixels(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) ? (v < 0 ? 0 : v > 1 ? 1 : v) : 0.5;
  }
  return out;
}

/**
 * Exponential moving average with the start-up bias removed (as TensorBoard does),
 * so the first smoothed points are not dragged towards zero. A non-finite value
 * (a diverged step) stays NaN and restarts the average after it: the smoothed
 * line shows the same gap as the raw one instead of carrying NaN forward.
 *
 * @example
 *   smoothSeries([4, 2, NaN, 2, 4], 0.5) // [4, 2.667, NaN, 2, 3.333]
 */
export function smoothSeries(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothSeries: weight must be in [0, 1), got ${weight}`);
  const out = new Array<number>(values.length);
  let average = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      average = 0;
      count = 0;
      continue;
    }
    average = weight * average + (1 - weight) * v;
    count++;
    out[i] = weight === 0 ? v : average / (1 - weight ** count);
  }
  return out;
}

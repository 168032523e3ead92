/**
 * One diagonal layer of the marginal initialization: for every pixel (column)
 * of the features, the LeakyReLU kink that makes that pixel's values most
 * Gaussian.
 *
 * Why: MNIST pixels are far from Gaussian. 81% of all pixel values are level 0,
 * so the dequantized values pile up uniformly in [0, 1/256); a Gaussian model
 * of the pixels scores about 5.5 bits/dim where independent 256-level
 * histograms score 1.7. A LeakyReLU whose kink sits at the edge of such a
 * pile, oriented so the pile is on the slope-1 side, makes the density 1/α
 * times higher there than beyond: a diagonal layer can sharpen one density step
 * per pixel, and a few stacked layers shape each pixel's marginal.
 *
 * Candidates are the images of the pixel-level boundaries (`bounds`, n × B,
 * row j for pixel j, mapped through the stages so far), in both orientations;
 * each is scored by the log-likelihood of the best Gaussian fit of the
 * transformed values plus the log-determinant it earns (ln α per value on the
 * negative side), and kept when it beats no kink by more than 1e-3 nats. The
 * layer then scales each pixel to unit variance. A pixel without a useful kink
 * gets its kink below all its values, where the layer is linear.
 *
 * @example
 *   const stage = kinkStage(columns, 8000, bounds, 17, 0.01);
 *   // stage.weight[j], stage.bias[j]: pixel j's diagonal weight and bias; stage.columns: the new features
 */
export interface KinkStage {
  /** Diagonal of the layer's W (n values, sign = orientation). */
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  /** The transformed features, column-major (n columns of count values). */
  readonly columns: Float64Array[];
  /** The boundaries mapped through this stage (n × B). */
  readonly bounds: Float64Array;
  /** Fraction of pixels that received a kink. */
  readonly kinkedFraction: number;
}

export function kinkStage(
  columns: readonly Float64Array[],
  count: number,
  bounds: Float64Array,
  boundaryCount: number,
  slope: number,
): KinkStage {
  const n = columns.length;
  const logSlope = Math.log(slope);
  const weight = new Float64Array(n);
  const bias = new Float64Array(n);
  const out: Float64Array[] = [];
  const newBounds = new Float64Array(n * boundaryCount);
  let kinked = 0;
  for (let j = 0; j < n; j++) {
    const h = columns[j];
    let min = Infinity;
    for (let r = 0; r < count; r++) if (h[r] < min) min = h[r];
    let best = gaussianScore(h, count, null, slope, logSlope).score;
    let threshold = NaN;
    let orientation = 1;
    for (let b = 0; b < boundaryCount; b++) {
      const t = bounds[j * boundaryCount + b];
      for (const o of [1, -1]) {
        const { score } = gaussianScore(h, count, { t, o }, slope, logSlope);
        if (score > best + 1e-3) {
          best = score;
          threshold = t;
          orientation = o;
        }
      }
    }
    if (Number.isNaN(threshold)) {
      threshold = min - 1;
      orientation = 1;
    } else {
      kinked++;
    }
    const std = Math.sqrt(gaussianScore(h, count, { t: threshold, o: orientation }, slope, logSlope).variance);
    const w = orientation / (std > 0 ? std : 1);
    weight[j] = w;
    bias[j] = -w * threshold;
    const next = new Float64Array(count);
    for (let r = 0; r < count; r++) next[r] = leaky(w * h[r] + bias[j], slope);
    out.push(next);
    for (let b = 0; b < boundaryCount; b++) {
      newBounds[j * boundaryCount + b] = leaky(w * bounds[j * boundaryCount + b] + bias[j], slope);
    }
  }
  return { weight, bias, columns: out, bounds: newBounds, kinkedFraction: kinked / n };
}

/**
 * Mean log-likelihood of the best Gaussian fit of leaky(o·(h − t)) plus ln α
 * times the fraction on the negative side, and that variance; `kink` null
 * scores the values as they are. Sums are taken about the first value, which
 * keeps the variance accurate when the mean is large.
 */
function gaussianScore(
  h: Float64Array,
  count: number,
  kink: { t: number; o: number } | null,
  slope: number,
  logSlope: number,
): { score: number; variance: number } {
  const map = (x: number) => (kink === null ? x : leaky(kink.o * (x - kink.t), slope));
  const shift = map(h[0]);
  let sum = 0;
  let sumSq = 0;
  let negatives = 0;
  for (let r = 0; r < count; r++) {
    if (kink !== null && kink.o * (h[r] - kink.t) < 0) negatives++;
    const v = map(h[r]) - shift;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / count;
  const variance = Math.max(sumSq / count - mean * mean, 1e-300);
  return { score: -0.5 * Math.log(2 * Math.PI * Math.E * variance) + (logSlope * negatives) / count, variance };
}

function leaky(v: number, slope: number): number {
  return v < 0 ? slope * v : v;
}

import type { Architecture } from '../../model/architecture';
import { matmul } from '../../linalg';
import { createRng } from '../../random/rng';
import { levelCells, valueCells, type CellDensity } from './cellDensity';
import { cholesky } from './cholesky';
import { classStructure } from './classStructure';
import { dequantizeInto, PIXEL_LEVELS, pixelLevel } from './dequantize';
import type { FullPriorOptions } from '../config';
import { ClassMomentSums } from './fitFullPrior';
import { fitLowRankPrior } from './fitLowRankPrior';
import type { FlowModel } from './flowModel';
import type { FlowPrior } from './flowPrior';
import type { FlowInitData, FlowInitReport } from './initializeFlow';
import { invertLowerTriangular } from './invertLowerTriangular';
import { applyKinkLayers, fitKinks, kinkLayers } from './kinkFit';
import { diagonalLuLayer, identityLuLayer, lowerTriangularLuLayer, type LuLayer } from './luLayer';

export interface GaussianizeOptions {
  /** Pixel kink layers at the start (round 1); the rest but the last are round 2's, after the whitening. */
  readonly kinkLayers: number;
  /** Added to the whitened covariance's diagonal (the features have unit variance). */
  readonly ridge: number;
  /** Seeds the dequantization draws of the training images (round 2 and the prior are fitted to them). */
  readonly seed: number;
  /** Low-rank directions of the prior per class (fitLowRankPrior); absent or 0: the diagonal prior. */
  readonly priorRank?: number;
  /**
   * A full covariance per class instead (ClassMomentSums.fit), from `draws`
   * dequantization draws of the training images (at least the two round 2 is
   * fitted to), shrunk by `shrinkage` toward its diagonal.
   */
  readonly fullPrior?: FullPriorOptions;
  /**
   * Pseudo-count added to every pixel level before the pixel kinks are fitted (absent: 1,
   * add-one smoothing). It gives a test digit's ink where no training digit has any a
   * density, and every sample's background pixels the same small chance of ink: speckle.
   */
  readonly pixelPseudoCount?: number;
  /** Told as each stage starts, so a caller can show where a minute-long init is. */
  readonly onStage?: (stage: string) => void;
}

/** The pixel levels' pseudo-count unless told otherwise: add-one smoothing. */
export const PIXEL_PSEUDO_COUNT = 1;
/** Kink candidates per pixel level: its lower boundary and 7 points inside it. */
const CELLS_PER_LEVEL = 8;
/** Cells of the whitened values' densities in round 2, and the pseudo-rows spread over them. */
const WHITE_CELLS = 512;
const WHITE_PSEUDO_ROWS = 1;
/** Dequantization draws of the training images that round 2 and the prior are fitted to. */
const DRAWS = 2;

/**
 * A closed-form flow start by iterative Gaussianization (research/flow/inits.py,
 * init_two_rounds), for an architecture whose layers all have a LeakyReLU but
 * the last, and a learned prior:
 *
 * 1. Round 1, layers 0..K−1 (diagonal): per pixel, K kinks fitted by
 *    coordinate descent (kinkFit) to the pixel's dequantized histogram with one
 *    pseudo-count per level, on 8 candidate points per level.
 * 2. Layer K (dense): whitening with the inverse Cholesky factor of the
 *    features' residual covariance averaged over all dequantization draws,
 *    Cov(E[h | levels]) + diag(E[Var(h | levels)]) (each pixel's noise is its
 *    own), so it does not fit the noise of one draw (measured: 1.561 → 1.524
 *    bits/dim on the test split). Coordinate j is then the standardized
 *    innovation of pixel j given pixels 1..j−1.
 * 3. Round 2, the LeakyReLU of layer K and the diagonal layers K+1..L−2: kinks
 *    per coordinate fitted to the whitened values of two dequantization draws
 *    (the innovations are far from Gaussian: ink or no ink given the pixels
 *    before; measured 1.524 → 1.463).
 * 4. The last layer is the identity; the prior is each class's mean and
 *    standard deviation of the final values, or with `priorRank` k > 0 a
 *    rank-k-plus-diagonal Gaussian per class fitted to them (fitLowRankPrior),
 *    or with `fullPrior` a shrunk full covariance per class fitted to the final
 *    values of many dequantization draws (ClassMomentSums): a full covariance
 *    overfits two draws of 800 digits per class, and 27 draws stop that
 *    (research/flow/README.md, "Priors fitted on more latents").
 *
 * Every layer but K is diagonal; a trainer may keep them so (FlowEngineOptions.diagonalLayers).
 *
 * @example
 *   const { model } = gaussianizeFlow(arch25, split.train, { kinkLayers: 16, ridge: 0.003, seed: 0 });
 */
export function gaussianizeFlow(
  arch: Architecture,
  data: FlowInitData,
  options: GaussianizeOptions,
): { model: FlowModel; report: FlowInitReport } {
  const n = arch.width;
  const L = arch.layers.length;
  const count = data.count;
  const k1 = options.kinkLayers;
  const k2 = L - 1 - k1;
  const slope = arch.negativeSlope;
  if (!(Number.isInteger(k1) && k1 >= 0 && k2 >= 1))
    throw new RangeError(`gaussianizeFlow: kinkLayers must be an integer in 0..${L - 2}, got ${k1}`);
  arch.layers.forEach((layer, l) => {
    if (layer.activation !== l < L - 1)
      throw new RangeError(
        `gaussianizeFlow: every layer but the last needs a LeakyReLU (layer ${l + 1} ${layer.activation ? 'has' : 'has none'})`,
      );
  });
  if (!(slope < 1)) throw new RangeError(`gaussianizeFlow: the LeakyReLU slope must be below 1, got ${slope}`);
  const rank = options.priorRank ?? 0;
  const full = options.fullPrior;
  if (full && !(Number.isInteger(full.draws) && full.draws >= DRAWS))
    throw new RangeError(`gaussianizeFlow: fullPrior.draws must be an integer ≥ ${DRAWS}, got ${full.draws}`);
  if (full && rank > 0) throw new RangeError('gaussianizeFlow: priorRank and fullPrior exclude each other');
  if (!(options.ridge >= 0)) throw new RangeError(`gaussianizeFlow: ridge must be ≥ 0, got ${options.ridge}`);
  if (data.images.length < count * n)
    throw new RangeError(
      `gaussianizeFlow: ${count} images of ${n} pixels need ${count * n} values, got ${data.images.length}`,
    );

  const layers: LuLayer[] = [];
  const biases: Float32Array[] = [];
  const kinkedFraction: number[] = [];
  const pseudo = options.pixelPseudoCount ?? PIXEL_PSEUDO_COUNT;
  if (!(pseudo > 0 && Number.isFinite(pseudo)))
    throw new RangeError(`gaussianizeFlow: pixelPseudoCount must be a finite number > 0, got ${pseudo}`);
  const stage = options.onStage ?? (() => {});
  stage(`fitting ${k1} pixel kink layers to the pixel histograms`);
  const pixels = levelCells(data.images, count, n, CELLS_PER_LEVEL, pseudo);
  const pixelFit = fitKinks(pixels, slope, k1);
  const round1 = kinkLayers(pixels, pixelFit);
  round1.forEach(({ weight, bias }, l) => {
    layers.push(diagonalLuLayer(weight));
    biases.push(Float32Array.from(bias));
    kinkedFraction.push(pixelFit.slots.filter((s) => s[l].active).length / n);
  });

  stage(`whitening, then fitting ${k2} kinks on the whitened values of ${DRAWS} dequantization draws`);
  const { mean: expected, noise } = expectedFeatures(data.images, count, n, pixels, round1, slope);
  const structure = classStructure(expected, data.labels, count, n, 'class', data.classes);
  const { center, covariance } = structure;
  for (let j = 0; j < n; j++) covariance[j * n + j] += noise[j] + options.ridge;
  const cInv = invertLowerTriangular(cholesky(covariance, n), n);
  const cInvT = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cInvT[j * n + i] = cInv[i * n + j];

  const rows = count * DRAWS;
  const white = new Float64Array(rows * n);
  const draw = new Float32Array(count * n);
  const rng = createRng(options.seed);
  // Dequantization draw d of the training images through round 1 and the whitening (count × n).
  const whitened = (d: number): Float64Array => {
    dequantizeInto(data.images, count, n, rng.fork(d === 0 ? 'flow-init' : `flow-init-${d}`), draw);
    const h = applyKinkLayers(Float64Array.from(draw), count, n, round1, slope);
    for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) h[r * n + j] -= center[j];
    return matmul(h, cInvT, count, n, n);
  };
  for (let d = 0; d < DRAWS; d++) white.set(whitened(d), d * count * n);
  const whiteCells = valueCells(white, rows, n, WHITE_CELLS, WHITE_PSEUDO_ROWS);
  const whiteFit = fitKinks(whiteCells, slope, k2);
  const round2 = kinkLayers(whiteCells, whiteFit);

  // Layer K: diag(w₀)·C⁻¹ and its bias put round 2's first kink on the whitening's own LeakyReLU.
  const { weight: w0, bias: b0 } = round2[0];
  const dense = new Float64Array(n * n);
  const cInvCenter = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      dense[i * n + j] = w0[i] * cInv[i * n + j];
      cInvCenter[i] += cInv[i * n + j] * center[j];
    }
  }
  layers.push(lowerTriangularLuLayer(dense, n));
  biases.push(Float32Array.from(w0, (w, i) => b0[i] - w * cInvCenter[i]));
  kinkedFraction.push(whiteFit.slots.filter((s) => s[0].active).length / n);
  for (let l = 1; l < k2; l++) {
    layers.push(diagonalLuLayer(round2[l].weight));
    biases.push(Float32Array.from(round2[l].bias));
    kinkedFraction.push(whiteFit.slots.filter((s) => s[l].active).length / n);
  }
  layers.push(identityLuLayer(n));
  biases.push(new Float32Array(n));

  applyKinkLayers(white, rows, n, round2, slope);
  const labelOf = (r: number) => data.labels[r % count];
  let prior: FlowPrior;
  if (full) {
    stage(`fitting a full covariance per class to the latents of ${full.draws} dequantization draws`);
    const sums = new ClassMomentSums(data.classes, n);
    sums.add(white, rows, labelOf);
    for (let d = DRAWS; d < full.draws; d++) {
      if ((d + 1) % 10 === 0) stage(`class prior: draw ${d + 1} of ${full.draws}`);
      const values = applyKinkLayers(whitened(d), count, n, round2, slope);
      sums.add(values, count, labelOf);
    }
    prior = sums.fit(full.shrinkage);
  } else {
    prior =
      rank > 0
        ? fitLowRankPrior(white, rows, n, labelOf, data.classes, rank)
        : { kind: 'class', classes: data.classes, ...classMoments(white, rows, n, labelOf, data.classes) };
  }
  return { model: { architecture: arch, layers, biases, prior }, report: { kinkedFraction } };
}

/**
 * The features' means over the dequantization noise, per image (count × n),
 * and each pixel's within-level variance averaged over the images: the round-1
 * map is linear within each cell, so both are exact integrals over each level.
 */
function expectedFeatures(
  images: ArrayLike<number>,
  count: number,
  n: number,
  pixels: CellDensity,
  round1: ReadonlyArray<{ weight: Float64Array; bias: Float64Array }>,
  slope: number,
): { mean: Float64Array; noise: Float64Array } {
  const cells = pixels.cells;
  const perLevel = cells / PIXEL_LEVELS;
  const edges = new Float64Array(cells + 1).map((_, e) => e / cells);
  const g = new Float64Array((cells + 1) * n);
  for (let e = 0; e <= cells; e++) g.fill(edges[e], e * n, (e + 1) * n);
  applyKinkLayers(g, cells + 1, n, round1, slope);
  const levelMean = new Float64Array(PIXEL_LEVELS * n);
  const levelVar = new Float64Array(PIXEL_LEVELS * n);
  for (let k = 0; k < PIXEL_LEVELS; k++) {
    for (let j = 0; j < n; j++) {
      let m1 = 0,
        m2 = 0;
      for (let c = k * perLevel; c < (k + 1) * perLevel; c++) {
        const a = g[c * n + j],
          b = g[(c + 1) * n + j];
        m1 += (a + b) / 2;
        m2 += (a * a + a * b + b * b) / 3;
      }
      m1 /= perLevel;
      m2 /= perLevel;
      levelMean[k * n + j] = m1;
      levelVar[k * n + j] = Math.max(0, m2 - m1 * m1);
    }
  }
  const mean = new Float64Array(count * n);
  const noise = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < n; j++) {
      const k = pixelLevel(images[r * n + j]);
      mean[r * n + j] = levelMean[k * n + j];
      noise[j] += levelVar[k * n + j] / count;
    }
  }
  return { mean, noise };
}

/** Per class, the mean and log standard deviation of each value (rows × n). */
function classMoments(
  values: Float64Array,
  rows: number,
  n: number,
  label: (r: number) => number,
  classes: number,
): { mean: Float32Array; logStd: Float32Array } {
  const sum = new Float64Array(classes * n);
  const sumSq = new Float64Array(classes * n);
  const size = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const a = label(r);
    size[a]++;
    for (let j = 0; j < n; j++) sum[a * n + j] += values[r * n + j];
  }
  for (let a = 0; a < classes; a++)
    if (size[a] < 2)
      throw new RangeError(`gaussianizeFlow: class ${a} has ${size[a]} images; the prior needs at least 2`);
  for (let k = 0; k < classes * n; k++) sum[k] /= size[Math.floor(k / n)];
  for (let r = 0; r < rows; r++) {
    const a = label(r);
    for (let j = 0; j < n; j++) sumSq[a * n + j] += (values[r * n + j] - sum[a * n + j]) ** 2;
  }
  return {
    mean: Float32Array.from(sum),
    logStd: Float32Array.from(sumSq, (s, k) => 0.5 * Math.log(Math.max(s / size[Math.floor(k / n)], 1e-12))),
  };
}

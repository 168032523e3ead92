import type { Architecture } from '../../model/architecture';
import { createRng } from '../../random/rng';
import { matmul } from '../../linalg';
import { transposed } from '../../linalg/transposed';
import { cholesky } from './cholesky';
import { classStructure } from './classStructure';
import { dequantizeInto } from './dequantize';
import type { FlowModel } from './flowModel';
import type { FlowPrior, FlowPriorKind } from './flowPrior';
import { invertLowerTriangular } from './invertLowerTriangular';
import { kinkStage } from './kinkStage';
import { luFromDense } from './luFromDense';
import { diagonalLuLayer, identityLuLayer, type LuLayer } from './luLayer';
import { optimalStretch } from './optimalStretch';
import { reflectOnto } from './reflectOnto';

/** Labelled training images (row-major count × width, values k/255): a Dataset fits. */
export interface FlowInitData {
  readonly images: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly count: number;
  readonly classes: number;
}

export interface FlowInitOptions {
  readonly prior: FlowPriorKind;
  /** Diagonal kink layers at the start; default: every layer but the last (each needs a LeakyReLU). */
  readonly kinkLayers?: number;
  /** Added to the diagonal of the residual covariance before whitening (shrinks an 8,000-sample estimate). */
  readonly ridge?: number;
  /** Seeds the dequantization noise of the training images the statistics are taken from. */
  readonly seed: number;
  /** Distance kept between the whitened data and a LeakyReLU kink where the init wants it linear. */
  readonly margin?: number;
}

export interface FlowInitReport {
  /** Per kink layer, the fraction of pixels that got a kink. */
  readonly kinkedFraction: readonly number[];
  /** Paper prior only: |C⁻¹d|, the whitened class signal per unit of label, and the stretch applied along 1. */
  readonly classDirectionNorm?: number;
  readonly stretch?: number;
}

const DEFAULT_FLOW_RIDGE = 0.1;

/** Pixel-level boundaries k/256 offered to the kink search: dense near both ends of the range, where the piles are. */
const BOUNDARY_LEVELS = [1, 2, 4, 8, 16, 32, 64, 96, 128, 160, 192, 224, 240, 248, 252, 254, 255];

/**
 * A closed-form, data-dependent start for an LU flow (float64 statistics of the
 * dequantized training images):
 *
 * 1. Kink layers (the first `kinkLayers`, diagonal): per pixel, a LeakyReLU
 *    kink at a pixel-level boundary, chosen greedily to make each pixel's
 *    marginal most Gaussian (see kinkStage). This models the pile of
 *    background pixels; it is most of what separates 5.5 from ~2 bits/dim.
 * 2. Whitening: the inverse Cholesky factor C⁻¹ of the residual covariance
 *    of the features once the class structure the prior can express is removed.
 * 3. Class placement, in the last layer. Paper prior (μ_a = 2a·1): a
 *    Householder reflection turns the whitened class direction C⁻¹d onto 1
 *    and a stretch s (optimalStretch) spaces the classes; a learned prior takes
 *    the whitened class means as its means instead.
 *
 * With more layers than kink layers + 1, the whitening goes in the first layer
 * after the kinks with a bias that keeps every training pre-activation positive
 * (LeakyReLU linear), the layers in between are the identity, and the last
 * layer places the classes. With a LeakyReLU after the last layer, a learned
 * prior shifts its means so the training outputs stay positive; the paper's
 * fixed means cannot move, so there the last kink is used as it falls.
 *
 * Cost at n = 784 on 8,000 images: a few seconds (covariance and products via
 * src/core/linalg's WebAssembly kernels, the rest plain JavaScript).
 *
 * @example
 *   const { model } = initializeFlow(customArchitecture({ depth: 4, activation: true, parametrization: 'lu' }), split.train, { prior: 'paper', seed: 0 });
 *   // model.layers, model.biases, model.prior: pass to the engine as its start
 */
export function initializeFlow(
  arch: Architecture,
  data: FlowInitData,
  options: FlowInitOptions,
): { model: FlowModel; report: FlowInitReport } {
  const n = arch.width;
  const L = arch.layers.length;
  const count = data.count;
  const kinkLayers = options.kinkLayers ?? L - 1;
  const ridge = options.ridge ?? DEFAULT_FLOW_RIDGE;
  const margin = options.margin ?? 1;
  if (!Number.isInteger(kinkLayers) || kinkLayers < 0 || kinkLayers > L - 1) {
    throw new RangeError(`initializeFlow: kinkLayers must be an integer in 0..${L - 1}, got ${kinkLayers}`);
  }
  for (let l = 0; l < kinkLayers; l++) {
    if (!arch.layers[l].activation)
      throw new RangeError(`initializeFlow: kink layer ${l} has no LeakyReLU; use kinkLayers ≤ ${l}`);
  }
  if (!(ridge >= 0)) throw new RangeError(`initializeFlow: ridge must be ≥ 0, got ${ridge}`);
  if (data.images.length < count * n)
    throw new RangeError(
      `initializeFlow: ${count} images of ${n} pixels need ${count * n} values, got ${data.images.length}`,
    );

  const dequantized = dequantizeInto(
    data.images,
    count,
    n,
    createRng(options.seed).fork('flow-init'),
    new Float32Array(count * n),
  );
  let columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(count);
    for (let r = 0; r < count; r++) c[r] = dequantized[r * n + j];
    columns.push(c);
  }
  const B = BOUNDARY_LEVELS.length;
  let bounds: Float64Array = new Float64Array(n * B);
  for (let j = 0; j < n; j++)
    BOUNDARY_LEVELS.forEach((k, b) => {
      bounds[j * B + b] = k / 256;
    });

  const layers: LuLayer[] = [];
  const biases: Float32Array[] = [];
  const kinkedFraction: number[] = [];
  for (let l = 0; l < kinkLayers; l++) {
    const stage = kinkStage(columns, count, bounds, B, arch.negativeSlope);
    layers.push(diagonalLuLayer(stage.weight));
    biases.push(Float32Array.from(stage.bias));
    kinkedFraction.push(stage.kinkedFraction);
    columns = stage.columns;
    bounds = stage.bounds;
  }
  const h = new Float64Array(count * n);
  columns.forEach((c, j) => {
    for (let r = 0; r < count; r++) h[r * n + j] = c[r];
  });
  columns = [];

  const classes = data.classes;
  const structure = classStructure(h, data.labels, count, n, options.prior, classes);
  const { center, offsets, covariance } = structure;
  for (let j = 0; j < n; j++) covariance[j * n + j] += ridge;
  const cInv = invertLowerTriangular(cholesky(covariance, n), n);
  const cInvT = transposed(cInv, n, n);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) h[r * n + j] -= center[j];
  const white = matmul(h, cInvT, count, n, n);
  const shift = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let min = Infinity;
    for (let r = 0; r < count; r++) min = Math.min(min, white[r * n + j]);
    shift[j] = Math.max(0, -min) + margin;
  }
  const cInvCenter = matVec(cInv, center, n);
  const first = kinkLayers;
  const dense = (w: Float64Array, b: Float64Array, l: number) => {
    layers[l] = luFromDense(w, n, `layer ${l}`);
    biases[l] = Float32Array.from(b);
  };

  let prior: FlowPrior;
  let report: FlowInitReport;
  if (options.prior === 'paper') {
    // A = (I + (s − 1)·e·eᵀ)·H, H reflecting the whitened class direction v onto e = 1/√n.
    const v = matVec(cInv, offsets, n);
    const k = Math.hypot(...v);
    let labelMean = 0,
      labelVar = 0;
    for (let r = 0; r < count; r++) labelMean += data.labels[r] / count;
    for (let r = 0; r < count; r++) labelVar += (data.labels[r] - labelMean) ** 2 / count;
    const target = 2 * Math.sqrt(n);
    const s = optimalStretch(k, labelVar, target);
    const e = new Float64Array(n).fill(1 / Math.sqrt(n));
    const place = (m: Float64Array) => {
      reflectOnto(m, n, v, e);
      const em = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) em[j] += e[i] * m[i * n + j];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] += (s - 1) * e[i] * em[j];
      return m;
    };
    const tailBias = e.map((ei) => (target - s * k) * labelMean * ei);
    if (first === L - 1) {
      const a = place(Float64Array.from(cInv));
      dense(
        a,
        tailBias.map((t, i) => t - dot(a, i, center, n)),
        first,
      );
    } else {
      dense(
        cInv,
        shift.map((sh, i) => sh - cInvCenter[i]),
        first,
      );
      const a = place(identity(n));
      dense(
        a,
        tailBias.map((t, i) => t - dot(a, i, shift, n)),
        L - 1,
      );
    }
    prior = { kind: 'paper' };
    report = { kinkedFraction, classDirectionNorm: k, stretch: s };
  } else {
    const outShift = arch.layers[L - 1].activation ? shift : new Float64Array(n);
    const mean = new Float32Array(classes * n);
    for (let a = 0; a < classes; a++) {
      const wm = matVec(cInv, offsets.subarray(a * n, (a + 1) * n), n);
      for (let j = 0; j < n; j++) mean[a * n + j] = wm[j] + outShift[j];
    }
    if (first === L - 1) {
      dense(
        cInv,
        outShift.map((sh, i) => sh - cInvCenter[i]),
        first,
      );
    } else {
      dense(
        cInv,
        shift.map((sh, i) => sh - cInvCenter[i]),
        first,
      );
      dense(
        identity(n),
        outShift.map((sh, i) => sh - shift[i]),
        L - 1,
      );
    }
    prior = { kind: 'class', classes, mean, logStd: new Float32Array(classes * n) };
    report = { kinkedFraction };
  }
  for (let l = first + 1; l < L - 1; l++) {
    layers[l] = identityLuLayer(n);
    biases[l] = new Float32Array(n);
  }
  return { model: { architecture: arch, layers, biases, prior }, report };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function matVec(m: Float64Array, v: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot(m, i, v, n);
  return out;
}

function dot(m: Float64Array, row: number, v: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += m[row * n + j] * v[j];
  return s;
}

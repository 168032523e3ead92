import type { Dataset } from '../data/dataset';
import { smallestSingularTriplet } from '../linalg';
import { createRng } from '../random/rng';
import { balancedSelection, selectRows } from './balancedSelection';
import { classifierAccuracy, type DigitClassifier } from './classifier/digitClassifier';
import { displayedPixels } from './displayedPixels';
import { imageErrors } from './imageErrors';
import { invertRows, inverseStages } from './inverse';
import type { AnalysedLayer } from './layerSpectra';
import type { InvertibleNetwork } from './network';
import type { Tick } from './progress';
import { median } from './stats/median';
import type { AmplificationPoint, AmplificationReport, Precision } from './types';

/** A δ is recognizable when the mean PSNR of the noisy reconstructions is at least this (dB)… */
export const RECOGNIZABLE_PSNR = 20;
/** …and the classifier's accuracy on them is at least this share of its accuracy on the clean originals. */
export const RECOGNIZABLE_ACCURACY_SHARE = 0.9;

export interface AmplificationInput {
  readonly net: InvertibleNetwork;
  readonly layers: readonly AnalysedLayer[];
  /** The test images and their float32 embeddings (rows in the same order). */
  readonly images: Dataset;
  readonly embeddings: Float32Array;
  readonly noiseLevels: readonly number[];
  /** How many of the images to use (round-robin over the classes). */
  readonly imageCount: number;
  readonly seed: number;
  readonly classifier: DigitClassifier;
}

/**
 * How noise added to embeddings grows while the network is inverted, per
 * precision (float32 first, then float64). For each δ, z + δ·g (g standard
 * normal, the same g for every δ and precision so the curves are comparable)
 * goes through the inverse, and after every stage the RMS difference from
 * the noise-free inverse of z in the same precision is recorded. In float32
 * the noisy embedding is rounded to float32 first; the injected noise is
 * measured after that rounding (a δ below float32's resolution of z is partly
 * lost, as it would be for a float32 user).
 *
 * Bounds: an inverse Linear can grow an error by at most 1/σmin of its W, an
 * inverse LeakyReLU by 1/slope. The worst case is measured by adding noise
 * along the left singular vector u_min of the last layer's W (see
 * AmplificationReport.worstCaseGrowth).
 *
 * @example
 *   const [amp32, amp64] = await amplificationReports(input, tick);
 *   amp32.recognizableUpTo;  // e.g. 1e-3
 */
export async function amplificationReports(input: AmplificationInput, tick: Tick): Promise<AmplificationReport[]> {
  const { net, layers, images } = input;
  const n = net.width;
  const rows = balancedSelection(images.labels, images.classes, input.imageCount);
  const count = rows.length;
  const z = Float64Array.from(selectRows(input.embeddings, n, rows));
  const originals = selectRows(images.images, n, rows);
  const labels = Uint8Array.from(rows, (r) => images.labels[r]);
  const cleanAccuracy = classifierAccuracy(input.classifier, originals, labels, count);
  const stages = inverseStages(net);
  const boundPerStage = stages.map((s) => (s.kind === 'activation' ? 1 / net.slope : 1 / layers[s.layer].spectrum.sigmaMin));
  const totalBound = boundPerStage.reduce((a, b) => a * b, 1);
  const rng = createRng(input.seed).fork('amplification');
  const g = new Float64Array(count * n).map(() => rng.normal());

  await tick(0, 'worst direction of the last layer');
  const last = layers[layers.length - 1];
  // y = W·x and W = U·Σ·Vᵀ, so W⁻¹·u_min = v_min/σmin: noise along the LEFT singular vector u_min is what the solve amplifies most.
  const uMin = smallestSingularTriplet(net.layers[net.layers.length - 1].weight64, n, { factors: last.factors.float64, name: net.layers[net.layers.length - 1].name }).u;

  const reports: AmplificationReport[] = [];
  const precisions: Precision[] = ['float32', 'float64'];
  const total = precisions.length * (input.noiseLevels.length + 1);
  let done = 0;
  for (const precision of precisions) {
    const factors = layers.map((l) => l.factors[precision]);
    const round = precision === 'float32' ? Math.fround : (v: number) => v;
    const clean: Float64Array[] = [];
    invertRows(net, factors, z, count, (_, values) => clean.push(Float64Array.from(values)));
    const noisyRun = (noisy: Float64Array) => {
      const errorAfterStage: number[] = [];
      const final = invertRows(net, factors, noisy, count, (k, values) => errorAfterStage.push(rmsDifference(values, clean[k])));
      return { errorAfterStage, final };
    };

    const points: AmplificationPoint[] = [];
    for (const delta of input.noiseLevels) {
      await tick(done++ / total, `noise δ = ${delta} through the ${precision} inverse`);
      const noisy = z.map((v, i) => round(v + delta * g[i]));
      const injected = rmsDifference(noisy, z);
      const { errorAfterStage, final } = noisyRun(noisy);
      const growthPerStage = errorAfterStage.map((e, k) => e / (k === 0 ? injected : errorAfterStage[k - 1]));
      const psnr = mean(imageErrors(final, originals, count, n).psnr);
      const accuracy = classifierAccuracy(input.classifier, displayedPixels(final), labels, count);
      points.push({ delta, errorAfterStage, growthPerStage, psnr, classifierAccuracy: accuracy });
    }

    await tick(done++ / total, `worst direction through the ${precision} inverse`);
    const delta0 = input.noiseLevels[0];
    const scale = delta0 * Math.sqrt(n);
    const worst = z.map((v, i) => round(v + scale * uMin[i % n]));
    const { final } = noisyRun(worst);
    const cleanFinal = clean[clean.length - 1];
    const growth = Array.from({ length: count }, (_, r) => {
      const noise = rmsDifference(worst.subarray(r * n, (r + 1) * n), z.subarray(r * n, (r + 1) * n));
      return rmsDifference(final.subarray(r * n, (r + 1) * n), cleanFinal.subarray(r * n, (r + 1) * n)) / noise;
    });

    reports.push({
      precision,
      stages: stages.map((s) => s.name),
      boundPerStage,
      totalBound,
      points,
      recognizableUpTo: recognizableUpTo(points, cleanAccuracy),
      worstCaseGrowth: median(growth),
    });
  }
  await tick(1);
  return reports;
}

/**
 * The largest δ such that it and every smaller tested δ are recognizable
 * (mean PSNR ≥ 20 dB and classifier accuracy ≥ 90% of the clean accuracy);
 * null when the smallest is not.
 */
export function recognizableUpTo(points: readonly AmplificationPoint[], cleanAccuracy: number): number | null {
  let best: number | null = null;
  for (const p of [...points].sort((a, b) => a.delta - b.delta)) {
    const ok = p.psnr >= RECOGNIZABLE_PSNR && p.classifierAccuracy >= RECOGNIZABLE_ACCURACY_SHARE * cleanAccuracy;
    if (!ok) break;
    best = p.delta;
  }
  return best;
}

/** √(mean((a − b)²)) over all entries; Infinity when an entry of `a` is not finite. */
function rmsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (!Number.isFinite(d)) return Number.POSITIVE_INFINITY;
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

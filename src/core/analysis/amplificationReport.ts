import type { Dataset } from '../data/dataset';
import { smallestSingularTriplet, type LuFactors } from '../linalg';
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
import { RECOGNIZABLE_ACCURACY_SHARE, RECOGNIZABLE_PSNR } from '../../shared/thresholds';

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
  const { net, layers } = input;
  const n = net.width;
  const sample = noiseSample(net, input.images, input.embeddings, input.imageCount, input.classifier, input.seed);
  const { count, z, cleanAccuracy } = sample;
  const stages = inverseStages(net);
  const boundPerStage = stages.map((s) =>
    s.kind === 'activation' ? 1 / net.slope : 1 / layers[s.layer].spectrum.sigmaMin,
  );
  const totalBound = boundPerStage.reduce((a, b) => a * b, 1);

  await tick(0, 'worst direction of the last layer');
  const last = layers[layers.length - 1];
  // y = W·x and W = U·Σ·Vᵀ, so W⁻¹·u_min = v_min/σmin: noise along the LEFT singular vector u_min is what the solve amplifies most.
  const uMin = smallestSingularTriplet(net.layers[net.layers.length - 1].weight64, n, {
    factors: last.factors.float64,
    name: net.layers[net.layers.length - 1].name,
  }).u;

  const reports: AmplificationReport[] = [];
  const precisions: Precision[] = ['float32', 'float64'];
  const total = precisions.length * (input.noiseLevels.length + 1);
  let done = 0;
  for (const precision of precisions) {
    const factors = layers.map((l) => l.factors[precision]);
    const sweep = await noiseSweep(
      { ...sample, net, factors, noiseLevels: input.noiseLevels, classifier: input.classifier },
      (_, delta) => tick(done++ / total, `noise δ = ${delta} through the ${precision} inverse`),
    );

    await tick(done++ / total, `worst direction through the ${precision} inverse`);
    const round = precision === 'float32' ? Math.fround : (v: number) => v;
    const delta0 = input.noiseLevels[0];
    const scale = delta0 * Math.sqrt(n);
    const worst = z.map((v, i) => round(v + scale * uMin[i % n]));
    const final = invertRows(net, factors, worst, count);
    const growth = perImageGrowth(final, sweep.clean, worst, z, count, n);

    reports.push({
      precision,
      imageCount: count,
      stages: stages.map((s) => s.name),
      boundPerStage,
      totalBound,
      points: sweep.points,
      recognizableUpTo: recognizableUpTo(sweep.points, cleanAccuracy),
      worstCaseGrowth: median(growth),
    });
  }
  await tick(1);
  return reports;
}

/** The images noise is added to: their embeddings, originals, labels, the classifier's clean accuracy, and the noise draw. */
export interface NoiseSample {
  readonly count: number;
  /** The float32 embeddings of the images, widened (count × n). */
  readonly z: Float64Array;
  readonly originals: Float32Array;
  readonly labels: Uint8Array;
  readonly cleanAccuracy: number;
  /** Standard normal (count × n), from `seed`'s 'amplification' stream. */
  readonly noise: Float64Array;
}

/**
 * `imageCount` of `images` (round-robin over the classes) with their rows of
 * `embeddings`, and the standard normal draw every δ scales: what the full
 * and the light analysis both add noise to.
 *
 * @example
 *   const sample = noiseSample(net, test, embeddings, 100, classifier, 0);
 */
export function noiseSample(
  net: InvertibleNetwork,
  images: Dataset,
  embeddings: Float32Array,
  imageCount: number,
  classifier: DigitClassifier,
  seed: number,
): NoiseSample {
  const n = net.width;
  const rows = balancedSelection(images.labels, images.classes, imageCount);
  const count = rows.length;
  const originals = selectRows(images.images, n, rows);
  const labels = Uint8Array.from(rows, (r) => images.labels[r]);
  const rng = createRng(seed).fork('amplification');
  return {
    count,
    z: Float64Array.from(selectRows(embeddings, n, rows)),
    originals,
    labels,
    cleanAccuracy: classifierAccuracy(classifier, originals, labels, count),
    noise: new Float64Array(count * n).map(() => rng.normal()),
  };
}

export interface NoiseSweepInput extends NoiseSample {
  readonly net: InvertibleNetwork;
  /** Every layer's factors, all of one precision: the inverse the noise goes through. */
  readonly factors: readonly LuFactors[];
  /** Scale the same `noise` draw, so the curves of all δ are comparable. */
  readonly noiseLevels: readonly number[];
  readonly classifier: DigitClassifier;
  /** Stop after the first δ that is not recognizable (what recognizableUpTo needs; the full analysis draws every δ). */
  readonly stopAtFirstFailure?: boolean;
}

/**
 * Embeddings plus noise δ·g, for each δ ascending, through one precision's
 * inverse: after every stage the RMS difference from the noise-free inverse
 * (pooled over all values), the growth of the whole inverse pooled and per
 * image (median), the mean PSNR and the classifier's accuracy. In float32 the
 * noisy embedding is rounded to float32 first and the injected noise is
 * measured after that rounding (a δ below float32's resolution of z is partly
 * lost, as it would be for a float32 user). `onLevel` is awaited before each
 * δ is scored (a full sweep solves them all first, in one batch).
 *
 * @example
 *   const { points } = await noiseSweep({ net, factors: f64, z, count, originals, labels, noiseLevels, noise, classifier, cleanAccuracy });
 *   points[0].medianGrowth;  // growth of the smallest δ for a typical image
 */
export async function noiseSweep(
  input: NoiseSweepInput,
  onLevel: (index: number, delta: number) => Promise<void> = async () => undefined,
): Promise<{ clean: Float64Array; points: AmplificationPoint[] }> {
  const { net, factors, z, count, originals, labels } = input;
  const n = net.width;
  const size = count * n;
  const clean: Float64Array[] = [];
  invertRows(net, factors, z, count, (_, values) => clean.push(new Float64Array(values)));
  const cleanFinal = clean[clean.length - 1];
  const levels = [...input.noiseLevels].sort((a, b) => a - b);
  // A full sweep solves every δ in one batch: rows are solved independently, so each δ gets the
  // numbers of its own solve, and one batch of 1,100 rows runs faster than 11 of 100. A sweep that
  // stops at the first failure goes δ by δ, as it usually stops after a few.
  const batch = input.stopAtFirstFailure ? 1 : levels.length;
  const points: AmplificationPoint[] = [];
  for (let k0 = 0; k0 < levels.length; k0 += batch) {
    const group = levels.slice(k0, k0 + batch);
    await onLevel(k0, group[0]);
    // In float32 the noisy embedding is stored as float32: rounded as a float32 user's would be.
    const noisy =
      factors[0].precision === 'float32'
        ? new Float32Array(group.length * size)
        : new Float64Array(group.length * size);
    group.forEach((delta, g) => {
      for (let i = 0; i < size; i++) noisy[g * size + i] = z[i] + delta * input.noise[i];
    });
    const level = <T extends Float32Array | Float64Array>(values: T, g: number) =>
      values.subarray(g * size, (g + 1) * size) as T;
    const errorAfterStage = group.map((): number[] => []);
    const final = invertRows(net, factors, noisy, group.length * count, (stage, values) =>
      group.forEach((_, g) => errorAfterStage[g].push(rmsDifference(level(values, g), clean[stage]))),
    );
    for (const [g, delta] of group.entries()) {
      if (g > 0) await onLevel(k0 + g, delta);
      const errors = errorAfterStage[g];
      const injected = rmsDifference(level(noisy, g), z);
      const image = level(final, g);
      const point: AmplificationPoint = {
        delta,
        errorAfterStage: errors,
        growthPerStage: errors.map((e, i) => e / (i === 0 ? injected : errors[i - 1])),
        psnr: mean(imageErrors(image, originals, count, n).psnr),
        classifierAccuracy: classifierAccuracy(input.classifier, displayedPixels(image), labels, count),
        pooledGrowth: errors[errors.length - 1] / injected,
        medianGrowth: median(perImageGrowth(image, cleanFinal, level(noisy, g), z, count, n)),
      };
      points.push(point);
      if (input.stopAtFirstFailure && !isRecognizable(point, input.cleanAccuracy)) return { clean: cleanFinal, points };
    }
  }
  return { clean: cleanFinal, points };
}

/** Per image r: RMS(final_r − clean_r) ÷ RMS(noisy_r − z_r), the growth of that image's noise through the inverse. */
type Rows = Float32Array | Float64Array;

function perImageGrowth(final: Rows, clean: Rows, noisy: Rows, z: Rows, count: number, n: number): Float64Array {
  const growth = new Float64Array(count);
  const row = (values: Rows, r: number) => values.subarray(r * n, (r + 1) * n);
  for (let r = 0; r < count; r++)
    growth[r] = rmsDifference(row(final, r), row(clean, r)) / rmsDifference(row(noisy, r), row(z, r));
  return growth;
}

/** Mean PSNR ≥ 20 dB and classifier accuracy ≥ 90% of the clean accuracy. */
function isRecognizable(p: AmplificationPoint, cleanAccuracy: number): boolean {
  return p.psnr >= RECOGNIZABLE_PSNR && p.classifierAccuracy >= RECOGNIZABLE_ACCURACY_SHARE * cleanAccuracy;
}

/**
 * The largest δ such that it and every smaller tested δ are recognizable
 * (mean PSNR ≥ 20 dB and classifier accuracy ≥ 90% of the clean accuracy);
 * null when the smallest is not.
 */
export function recognizableUpTo(points: readonly AmplificationPoint[], cleanAccuracy: number): number | null {
  let best: number | null = null;
  for (const p of [...points].sort((a, b) => a.delta - b.delta)) {
    if (!isRecognizable(p, cleanAccuracy)) break;
    best = p.delta;
  }
  return best;
}

/** √(mean((a − b)²)) over all entries; Infinity when an entry of `a` is not finite (the sum is then NaN or ∞). */
function rmsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Number.isFinite(sum) ? Math.sqrt(sum / a.length) : Number.POSITIVE_INFINITY;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

import type { Dataset } from '../data/dataset';
import { createRng } from '../random/rng';
import { targetMean } from '../train/seedLoss';
import type { FlowPrior } from '../train/flow/flowPrior';
import { balancedSelection, selectRows } from './balancedSelection';
import { predictDigits, type DigitClassifier } from './classifier/digitClassifier';
import { displayedPixels } from './displayedPixels';
import { empiricalGaussianSamples } from './empiricalGaussianSamples';
import { forwardRows } from './forward';
import { invertRows } from './inverse';
import type { LayerFactors } from './layerFactors';
import { nearestDistances } from './nearestDistances';
import type { InvertibleNetwork } from './network';
import type { Tick } from './progress';
import { median } from './stats/median';
import type { GeneratedSet, GenerationReport, Precision } from './types';

export interface GenerationInput {
  readonly net: InvertibleNetwork;
  readonly factors: readonly LayerFactors[];
  /** Training images: the source of the empirical class Gaussians. */
  readonly train: Dataset;
  /** Real digits (rows, n pixels) each sample is compared with for the nearest-digit distance. */
  readonly reference: Float32Array;
  readonly classifier: DigitClassifier;
  readonly classifierTestAccuracy: number;
  readonly temperature: number;
  /** Further temperatures the target is sampled at (not the empirical Gaussians); default none. */
  readonly extraTemperatures?: readonly number[];
  /** A flow's learned prior: the target is then N(μ_a, T²·diag σ_a²). Absent or 'paper': N(2a, T²). */
  readonly prior?: FlowPrior | null;
  readonly samplesPerClass: number;
  readonly imagesPerClass: number;
  readonly embeddingImagesPerClass: number;
  readonly seed: number;
}

/**
 * Generation, the paper's goal: embeddings sampled per class and pushed
 * through the inverse in float32 and float64, then judged.
 *
 * - 'target': z ~ N(2a, T²·I), what the loss asked the embeddings to look like
 *   (a flow with a learned prior: z ~ N(μ_a, T²·diag σ_a²), its own prior), at
 *   `temperature` and at each of `extraTemperatures`.
 * - 'empirical': z ~ N(μ_a, T²·Σ_a), the mean and covariance of the float32
 *   embeddings of up to `embeddingImagesPerClass` training images of class a
 *   (what the embeddings actually look like), sampled exactly by
 *   empiricalGaussianSamples.
 *
 * The same z go through both precisions. Each sample is scored as displayed
 * (clamped to [0, 1]): whether the digit classifier reads the intended class,
 * and its distance to the nearest real training digit.
 *
 * @example
 *   const report = await generationReport(input, tick);
 *   report.sets.map((s) => `${s.source} ${s.precision}: ${s.accuracy}`);
 */
export async function generationReport(input: GenerationInput, tick: Tick): Promise<GenerationReport> {
  const { net, train } = input;
  const n = net.width;
  const classes = train.classes;
  const s = input.samplesPerClass;
  const referenceCount = input.reference.length / n;
  const sources: Array<{ source: GeneratedSet['source']; temperature: number; z: Float64Array; labels: number[] }> = [];

  const classPrior = input.prior?.kind === 'class' ? input.prior : null;
  const prior: GeneratedSet['prior'] = classPrior ? 'class' : 'paper';
  if (classPrior && classPrior.classes < classes) throw new RangeError(`generationReport: the prior has ${classPrior.classes} classes, the data ${classes}`);
  const targetAt = (temperature: number, stream: string) => {
    const rng = createRng(input.seed).fork(stream);
    const z = new Float64Array(classes * s * n);
    for (let a = 0; a < classes; a++) {
      for (let k = 0; k < s; k++) {
        const o = (a * s + k) * n;
        for (let j = 0; j < n; j++) {
          z[o + j] = classPrior
            ? classPrior.mean[a * n + j] + temperature * Math.exp(classPrior.logStd[a * n + j]) * rng.normal()
            : targetMean(a) + temperature * rng.normal();
        }
      }
    }
    return { source: 'target' as const, temperature, z, labels: Array.from({ length: classes * s }, (_, i) => Math.floor(i / s)) };
  };
  await tick(0, classPrior ? 'sampling the learned class prior N(μₐ, T²σₐ²)' : 'sampling the target N(2a, T²)');
  sources.push(targetAt(input.temperature, 'generation-target'));

  await tick(0.1, 'embeddings of training images for the empirical class Gaussians');
  const rows = balancedSelection(train.labels, classes, input.embeddingImagesPerClass * classes);
  const embeddings = forwardRows(net, selectRows(train.images, n, rows), rows.length, 'float32');
  const empiricalRng = createRng(input.seed).fork('generation-empirical');
  const parts: Float64Array[] = [];
  const empiricalLabels: number[] = [];
  for (let a = 0; a < classes; a++) {
    const members = rows.map((r, k) => (train.labels[r] === a ? k : -1)).filter((k) => k >= 0);
    if (members.length < 2) continue;
    parts.push(empiricalGaussianSamples(selectRows(embeddings, n, members), members.length, n, s, input.temperature, empiricalRng.fork(`class-${a}`)));
    for (let i = 0; i < s; i++) empiricalLabels.push(a);
  }
  const empiricalZ = new Float64Array(parts.length * s * n);
  parts.forEach((p, k) => empiricalZ.set(p, k * s * n));
  sources.push({ source: 'empirical', temperature: input.temperature, z: empiricalZ, labels: empiricalLabels });
  for (const t of input.extraTemperatures ?? []) sources.push(targetAt(t, `generation-target-T${t}`));

  const sets: GeneratedSet[] = [];
  const precisions: Precision[] = ['float32', 'float64'];
  let step = 0;
  for (const { source, temperature, z, labels } of sources) {
    for (const precision of precisions) {
      await tick(0.2 + (0.8 * step++) / (sources.length * precisions.length), `${source} samples (T = ${temperature}) through the ${precision} inverse`);
      const count = labels.length;
      const x = invertRows(net, input.factors.map((f) => f[precision]), z, count);
      const shown = displayedPixels(x);
      const predicted = predictDigits(input.classifier, shown, count);
      const distances = nearestDistances(shown, count, input.reference, referenceCount, n);
      const perClass: GeneratedSet['perClass'][number][] = [];
      let right = 0;
      for (let a = 0; a < classes; a++) {
        const members = labels.map((l, i) => (l === a ? i : -1)).filter((i) => i >= 0);
        if (members.length === 0) continue;
        const hits = members.filter((i) => predicted[i] === a).length;
        right += hits;
        perClass.push({
          label: a,
          images: members.slice(0, input.imagesPerClass).map((i) => Array.from(x.subarray(i * n, (i + 1) * n))),
          accuracy: hits / members.length,
          medianNearestDistance: median(members.map((i) => distances[i])),
          sampleCount: members.length,
        });
      }
      sets.push({
        source, ...(source === 'target' ? { prior } : {}), precision, temperature, perClass, accuracy: count > 0 ? right / count : Number.NaN,
      });
    }
  }
  await tick(1);
  return { classifierTestAccuracy: input.classifierTestAccuracy, sets };
}

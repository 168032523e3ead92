import type { Dataset } from '../data/dataset';
import { forwardRows } from './forward';
import { imageErrors, summarizeErrors, type ImageErrors } from './imageErrors';
import { invertRows } from './inverse';
import type { LayerFactors } from './layerFactors';
import type { InvertibleNetwork } from './network';
import { BROKEN_MAE } from './options';
import type { Tick } from './progress';
import type { Precision, ReconstructionReport } from './types';

/** The report and the arrays later stages reuse. */
export interface Reconstruction {
  readonly report: ReconstructionReport;
  /** The float32 embeddings f(x) of the images, as the network computes them (count × n). */
  readonly embeddings: Float32Array;
  /** f⁻¹(f(x)) per precision (count × n); NaN rows where a solve overflowed or a layer is singular. */
  readonly reconstructed: { readonly float32: Float32Array; readonly float64: Float64Array };
  readonly errors: Record<Precision, ImageErrors>;
}

/**
 * Test images → forward in float32 (what the network computes) → the inverse
 * in float32 and in float64. Error statistics overall and per class, and
 * `examplesPerClass` examples of each class (the first ones) for the grid.
 *
 * @example
 *   const r = await reconstruct(net, factorLayers(net), test, 2, tick);
 *   r.report.overall.float32.brokenFraction;  // share of images with MAE > 0.1
 */
export async function reconstruct(
  net: InvertibleNetwork,
  factors: readonly LayerFactors[],
  images: Dataset,
  examplesPerClass: number,
  tick: Tick,
): Promise<Reconstruction> {
  const n = net.width;
  const count = images.count;
  await tick(0, `forward pass of ${count} test images (float32)`);
  const embeddings = forwardRows(net, images.images, count, 'float32');
  await tick(0.2, 'inverse in float32');
  const float32 = invertRows(net, factors.map((f) => f.float32), embeddings, count) as Float32Array;
  await tick(0.5, 'inverse in float64');
  const float64 = invertRows(net, factors.map((f) => f.float64), embeddings, count) as Float64Array;
  await tick(0.9, 'reconstruction errors');
  const errors = {
    float32: imageErrors(float32, images.images, count, n),
    float64: imageErrors(float64, images.images, count, n),
  };
  const byClass: number[][] = Array.from({ length: images.classes }, () => []);
  for (let i = 0; i < count; i++) byClass[images.labels[i]].push(i);
  const row = (values: ArrayLike<number>, i: number) => Array.from({ length: n }, (_, j) => values[i * n + j]);
  const report: ReconstructionReport = {
    imageCount: count,
    brokenThreshold: BROKEN_MAE,
    overall: {
      float32: summarizeErrors(errors.float32, BROKEN_MAE),
      float64: summarizeErrors(errors.float64, BROKEN_MAE),
    },
    perClass: byClass.flatMap((rows, label) => rows.length === 0 ? [] : [{
      label,
      count: rows.length,
      float32: summarizeErrors(errors.float32, BROKEN_MAE, rows),
      float64: summarizeErrors(errors.float64, BROKEN_MAE, rows),
    }]),
    examples: byClass.flatMap((rows, label) => rows.slice(0, examplesPerClass).map((i) => ({
      label,
      original: row(images.images, i),
      embedding: row(embeddings, i),
      float32: row(float32, i),
      float64: row(float64, i),
    }))),
  };
  await tick(1);
  return { report, embeddings, reconstructed: { float32, float64 }, errors };
}

import type { Dataset } from '../data/dataset';
import { summarizeErrors } from './imageErrors';
import type { LayerFactors } from './layerFactors';
import type { InvertibleNetwork } from './network';
import { BROKEN_MAE } from '../../shared/thresholds';
import type { Tick } from './progress';
import { roundTripReport, roundTrips, type RoundTripRuns } from './roundTrips';
import type { ReconstructionReport } from './types';

/** The report and the arrays later stages reuse. */
export interface Reconstruction {
  readonly report: ReconstructionReport;
  /** The images' three round trips (float32 embeddings, reconstructions and per-image errors). */
  readonly runs: RoundTripRuns;
}

/**
 * Test images through the three round trips (roundTrips: float32 forward
 * and inverse; the float32 embedding inverted in float64; float64 forward
 * and inverse). Error statistics of each, the first two also per class, and
 * `examplesPerClass` examples of each class (the first ones) for the grid.
 *
 * @example
 *   const r = await reconstruct(net, factorLayers(net), test, 2, tick);
 *   r.report.roundTrips?.float64.brokenFraction;  // share of all-float64 round trips with MAE > 0.1
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
  const runs = await roundTrips(net, factors, images.images, count, (fraction, message) =>
    tick(0.9 * fraction, message),
  );
  await tick(0.9, 'reconstruction errors');
  const { embeddings, reconstructed, errors } = runs;
  const byClass: number[][] = Array.from({ length: images.classes }, () => []);
  for (let i = 0; i < count; i++) byClass[images.labels[i]].push(i);
  const row = (values: ArrayLike<number>, i: number) => Array.from({ length: n }, (_, j) => values[i * n + j]);
  const report: ReconstructionReport = {
    imageCount: count,
    brokenThreshold: BROKEN_MAE,
    overall: {
      float32: summarizeErrors(errors.float32, BROKEN_MAE),
      float64: summarizeErrors(errors.mixed, BROKEN_MAE),
    },
    roundTrips: {
      float32: roundTripReport('float32', errors.float32),
      mixed: roundTripReport('mixed', errors.mixed),
      float64: roundTripReport('float64', errors.float64),
    },
    perClass: byClass.flatMap((rows, label) =>
      rows.length === 0
        ? []
        : [
            {
              label,
              count: rows.length,
              float32: summarizeErrors(errors.float32, BROKEN_MAE, rows),
              float64: summarizeErrors(errors.mixed, BROKEN_MAE, rows),
            },
          ],
    ),
    examples: byClass.flatMap((rows, label) =>
      rows.slice(0, examplesPerClass).map((i) => ({
        label,
        original: row(images.images, i),
        embedding: row(embeddings, i),
        float32: row(reconstructed.float32, i),
        float64: row(reconstructed.mixed, i),
        float64RoundTrip: row(reconstructed.float64, i),
      })),
    ),
  };
  await tick(1);
  return { report, runs };
}

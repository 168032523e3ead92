import { forwardRows } from './forward';
import { imageErrors, summarizeErrors, type ImageErrors } from './imageErrors';
import { invertRows } from './inverse';
import type { LayerFactors } from './layerFactors';
import type { InvertibleNetwork } from './network';
import { BROKEN_MAE } from '../../shared/thresholds';
import { median } from './stats/median';
import { ROUND_TRIPS, type RoundTripId, type RoundTripStats } from './trajectoryTypes';
import type { RoundTripReport } from './types';

/** The three round trips x → f(x) → f⁻¹(f(x)) of a batch of images (see ROUND_TRIPS). */
export interface RoundTripRuns {
  /** f(x) in float32, as the network computes it (count × n): the embeddings of 'float32' and 'mixed'. */
  readonly embeddings: Float32Array;
  /** f(x) in float64: the embeddings of 'float64'. */
  readonly embeddings64: Float64Array;
  /** f⁻¹(f(x)) of each round trip (count × n); NaN rows where a solve overflowed or a layer is singular. */
  readonly reconstructed: {
    readonly float32: Float32Array;
    readonly mixed: Float64Array;
    readonly float64: Float64Array;
  };
  readonly errors: Record<RoundTripId, ImageErrors>;
}

/**
 * `count` images (rows of `images`) through each round trip: the float32
 * forward pass inverted in float32 ('float32') and in float64 ('mixed'), and
 * the float64 forward pass inverted in float64 ('float64'), with the
 * per-image errors against the originals. `onStep` is awaited between the
 * heavy steps (progress, cancellation).
 *
 * @example
 *   const runs = await roundTrips(net, factorLayers(net), test.images, test.count);
 *   roundTripStats(runs.errors.float64).brokenFraction;  // 0 for a well-conditioned network
 */
export async function roundTrips(
  net: InvertibleNetwork,
  factors: readonly LayerFactors[],
  images: Float32Array,
  count: number,
  onStep: (fraction: number, message: string) => Promise<void> = async () => undefined,
): Promise<RoundTripRuns> {
  const n = net.width;
  await onStep(0, `forward pass of ${count} test images (float32)`);
  const embeddings = forwardRows(net, images, count, 'float32');
  await onStep(0.15, 'float32 inverse of the float32 embeddings');
  const float32 = invertRows(
    net,
    factors.map((f) => f.float32),
    embeddings,
    count,
  ) as Float32Array;
  await onStep(0.4, 'float64 inverse of the float32 embeddings');
  const mixed = invertRows(
    net,
    factors.map((f) => f.float64),
    embeddings,
    count,
  ) as Float64Array;
  await onStep(0.65, 'forward pass in float64');
  const embeddings64 = forwardRows(net, images, count, 'float64');
  await onStep(0.75, 'float64 inverse of the float64 embeddings');
  const float64 = invertRows(
    net,
    factors.map((f) => f.float64),
    embeddings64,
    count,
  ) as Float64Array;
  const errors = {
    float32: imageErrors(float32, images, count, n),
    mixed: imageErrors(mixed, images, count, n),
    float64: imageErrors(float64, images, count, n),
  };
  return { embeddings, embeddings64, reconstructed: { float32, mixed, float64 }, errors };
}

/**
 * A round trip's figures over its images: the share broken (per-image MAE
 * above BROKEN_MAE; a non-finite pixel makes the MAE infinite), the mean of
 * the per-image MAE and the median of the per-image PSNR (as displayed).
 *
 * @example
 *   roundTripStats(runs.errors.mixed);  // { imageCount: 300, brokenFraction: 1, meanAbsError: Infinity, medianPsnr: 5.2 }
 */
export function roundTripStats(errors: ImageErrors): RoundTripStats {
  const s = summarizeErrors(errors, BROKEN_MAE);
  return {
    imageCount: errors.meanAbs.length,
    brokenFraction: s.brokenFraction,
    meanAbsError: s.meanAbsError,
    medianPsnr: median(errors.psnr),
  };
}

/** roundTripStats with the rest of ErrorStats and the round trip's name and definition, for the full analysis. */
export function roundTripReport(id: RoundTripId, errors: ImageErrors): RoundTripReport {
  return {
    ...summarizeErrors(errors, BROKEN_MAE),
    ...roundTripStats(errors),
    label: ROUND_TRIPS[id].label,
    description: ROUND_TRIPS[id].description,
  };
}

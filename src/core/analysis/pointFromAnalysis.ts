import { conditionFigure } from './jacobianCondition';
import type { GenerationScore, NoiseTolerance, RoundTripStats, TrajectoryPoint } from './trajectoryTypes';
import type { CheckpointAnalysis, RoundTripReport } from './types';

/**
 * A trajectory point taken from a full analysis (`source: 'full'`): its
 * figures are those of the full analysis, on its images (usually more than a
 * light analysis uses). The generation score is its float64 'target' set at
 * `temperature`, when it sampled that T. Null for an analysis from before the
 * three round trips were recorded, which cannot fill a point.
 *
 * @example
 *   const point = pointFromAnalysis(analysis, 1);
 *   point?.source;  // 'full'
 */
export function pointFromAnalysis(analysis: CheckpointAnalysis, temperature: number): TrajectoryPoint | null {
  const trips = analysis.reconstruction.roundTrips;
  if (!trips) return null;
  const j = analysis.jacobian;
  const resolvable = j.resolvable ?? conditionFigure(j.sigmaMax, j.sigmaMin).resolvable;
  const noise = analysis.amplification.map((a): NoiseTolerance => ({
    precision: a.precision,
    recognizableUpTo: a.recognizableUpTo,
    medianGrowth: a.points[0]?.medianGrowth ?? Number.NaN,
    pooledGrowth: a.points[0]?.pooledGrowth ?? Number.NaN,
    imageCount: a.imageCount ?? Number.NaN,
  }));
  const set = analysis.generation.sets.find(
    (s) => s.source === 'target' && s.precision === 'float64' && s.temperature === temperature,
  );
  const generation: GenerationScore | null = set
    ? {
        temperature,
        prior: set.prior ?? 'paper',
        accuracy: set.accuracy,
        sampleCount: set.perClass.reduce((sum, c) => sum + (c.sampleCount ?? c.images.length), 0),
        ...(set.seedAccuracies ? { seedAccuracies: set.seedAccuracies } : {}),
      }
    : null;
  const stats = (t: RoundTripReport): RoundTripStats => ({
    imageCount: t.imageCount,
    brokenFraction: t.brokenFraction,
    meanAbsError: t.meanAbsError,
    medianPsnr: t.medianPsnr,
  });
  return {
    epoch: analysis.epoch,
    checkpointSha256: analysis.checkpointSha256,
    source: 'full',
    layers: analysis.layers.map((l) => ({
      index: l.index,
      sigmaMax: l.sigmaMax,
      sigmaMin: l.sigmaMin,
      cond: l.cond,
      logAbsDet: l.logAbsDet,
    })),
    jacobian: {
      cond: j.cond,
      sigmaMax: j.sigmaMax,
      sigmaMin: j.sigmaMin,
      resolvable,
      pointDescription: j.pointDescription,
    },
    roundTrips: { float32: stats(trips.float32), mixed: stats(trips.mixed), float64: stats(trips.float64) },
    verdict: j.verdict,
    ...(noise.length > 0 && noise.every((x) => Number.isInteger(x.imageCount)) ? { noise } : {}),
    ...(generation ? { generation } : {}),
    ...(analysis.density ? { testBitsPerDim: analysis.density.testBitsPerDim } : {}),
    computeSeconds: analysis.computeSeconds,
    ...(analysis.dataDescription ? { dataDescription: analysis.dataDescription } : {}),
  };
}

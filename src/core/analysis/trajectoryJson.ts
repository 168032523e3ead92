import { Reader, type Json } from './jsonReader';
import {
  ROUND_TRIP_IDS,
  type NoiseTolerance,
  type RoundTripId,
  type RoundTripStats,
  type TrajectoryPoint,
} from './trajectoryTypes';

const VERDICTS = ['invertible', 'float32-insufficient', 'non-invertible-float64'] as const;

/**
 * Checks that `raw` (parsed JSON, NaN and ±Infinity as encodeJson writes
 * them) has every field of a TrajectoryPoint with the right type, and returns
 * a fresh copy. Throws InvertscopeError('CORRUPT') naming the first bad field,
 * so a damaged cache is recomputed rather than trusted.
 *
 * @example
 *   parseTrajectoryPoint(JSON.parse(text).point, 'epoch-0010.point.json').roundTrips.float64.brokenFraction;
 */
export function parseTrajectoryPoint(raw: Json, where: string): TrajectoryPoint {
  const r = new Reader(where);
  const o = r.object(raw, 'point');
  const layers = r.array(o.layers, 'layers').map((v, i) => {
    const p = `layers[${i}]`;
    const l = r.object(v, p);
    return {
      index: r.integer(l.index, `${p}.index`),
      sigmaMax: r.number(l.sigmaMax, `${p}.sigmaMax`),
      sigmaMin: r.number(l.sigmaMin, `${p}.sigmaMin`),
      cond: r.number(l.cond, `${p}.cond`),
      logAbsDet: r.number(l.logAbsDet, `${p}.logAbsDet`),
    };
  });
  if (layers.length === 0) r.fail('layers', 'a non-empty array', o.layers);
  const j = r.object(o.jacobian, 'jacobian');
  const trips = r.object(o.roundTrips, 'roundTrips');
  const roundTrip = (id: RoundTripId): RoundTripStats => {
    const p = `roundTrips.${id}`;
    const t = r.object(trips[id], p);
    return {
      imageCount: r.integer(t.imageCount, `${p}.imageCount`),
      brokenFraction: r.number(t.brokenFraction, `${p}.brokenFraction`),
      meanAbsError: r.number(t.meanAbsError, `${p}.meanAbsError`),
      medianPsnr: r.number(t.medianPsnr, `${p}.medianPsnr`),
    };
  };
  const noise =
    o.noise === undefined
      ? undefined
      : r.array(o.noise, 'noise').map((v, i): NoiseTolerance => {
          const p = `noise[${i}]`;
          const t = r.object(v, p);
          return {
            precision: r.oneOf(t.precision, `${p}.precision`, ['float32', 'float64'] as const),
            recognizableUpTo:
              t.recognizableUpTo === null ? null : r.number(t.recognizableUpTo, `${p}.recognizableUpTo`),
            medianGrowth: r.number(t.medianGrowth, `${p}.medianGrowth`),
            pooledGrowth: r.number(t.pooledGrowth, `${p}.pooledGrowth`),
            imageCount: r.integer(t.imageCount, `${p}.imageCount`),
          };
        });
  const g = o.generation === undefined ? null : r.object(o.generation, 'generation');
  return {
    epoch: r.integer(o.epoch, 'epoch'),
    checkpointSha256: r.string(o.checkpointSha256, 'checkpointSha256'),
    source: r.oneOf(o.source, 'source', ['light', 'full'] as const),
    layers,
    jacobian: {
      cond: r.number(j.cond, 'jacobian.cond'),
      sigmaMax: r.number(j.sigmaMax, 'jacobian.sigmaMax'),
      sigmaMin: r.number(j.sigmaMin, 'jacobian.sigmaMin'),
      resolvable: r.boolean(j.resolvable, 'jacobian.resolvable'),
      pointDescription: r.string(j.pointDescription, 'jacobian.pointDescription'),
    },
    roundTrips: Object.fromEntries(ROUND_TRIP_IDS.map((id) => [id, roundTrip(id)])) as Record<
      RoundTripId,
      RoundTripStats
    >,
    verdict: r.oneOf(o.verdict, 'verdict', VERDICTS),
    ...(noise === undefined ? {} : { noise }),
    ...(g === null
      ? {}
      : {
          generation: {
            temperature: r.number(g.temperature, 'generation.temperature'),
            prior: r.oneOf(g.prior, 'generation.prior', ['paper', 'class'] as const),
            sampleCount: r.integer(g.sampleCount, 'generation.sampleCount'),
            accuracy: r.number(g.accuracy, 'generation.accuracy'),
            ...(g.seedAccuracies === undefined
              ? {}
              : { seedAccuracies: r.numbers(g.seedAccuracies, 'generation.seedAccuracies') }),
          },
        }),
    ...(o.testBitsPerDim === undefined ? {} : { testBitsPerDim: r.number(o.testBitsPerDim, 'testBitsPerDim') }),
    computeSeconds: r.number(o.computeSeconds, 'computeSeconds'),
    ...(o.dataDescription === undefined ? {} : { dataDescription: r.string(o.dataDescription, 'dataDescription') }),
  };
}

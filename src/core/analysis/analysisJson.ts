import type { ClassNames } from '../data/classNames';
import { JsonObject, Reader, type Json } from './jsonReader';
import type {
  AmplificationReport,
  CheckpointAnalysis,
  ClassDistribution,
  DensityReport,
  ErrorStats,
  GeneratedSet,
  JacobianReport,
  LayerSpectrum,
  ReconstructionReport,
  RoundTripReport,
} from './types';
import { ROUND_TRIP_IDS, type RoundTripId } from './trajectoryTypes';
import { packImage, readImage } from './packedImage';

const IMAGE = 784;
const STATUSES = ['invertible', 'numerically-singular', 'singular'] as const;
const PRECISIONS = ['float32', 'float64'] as const;

/**
 * Checks that `raw` (parsed JSON) has every field of a CheckpointAnalysis with
 * the right type, and returns a fresh copy with NaN and ±Infinity restored.
 * Throws InvertscopeError('CORRUPT') naming the first bad field, so a damaged
 * cache is rebuilt rather than trusted. Fields that older versions did not
 * write are optional, so their caches still read.
 *
 * @example
 *   parseAnalysis(JSON.parse(text), 'epoch-0010.analysis.json').jacobian.verdict;
 */
export function parseAnalysis(raw: Json, where: string): CheckpointAnalysis {
  const o = JsonObject.root(new Reader(where), raw, 'analysis');
  const layers = o.objects('layers', readLayer);
  if (layers.length === 0) o.fail('layers', 'a non-empty array');
  return {
    formatVersion: o.integer('formatVersion'),
    ...o.optional('dataDescription', (k) => o.string(k)),
    ...o.optional('classes', (k) => readClasses(o.object(k))),
    checkpointSha256: o.string('checkpointSha256'),
    computedAt: o.string('computedAt'),
    computeSeconds: o.number('computeSeconds'),
    architectureName: o.string('architectureName'),
    epoch: o.integer('epoch'),
    layers,
    jacobian: readJacobian(o.object('jacobian')),
    reconstruction: readReconstruction(o.object('reconstruction')),
    amplification: o.objects('amplification', readAmplification),
    distribution: { perClass: o.object('distribution').objects('perClass', readClassDistribution) },
    generation: readGeneration(o.object('generation')),
    ...o.optional('density', (k) => readDensity(o.object(k))),
  };
}

/**
 * The analysis as a cache file holds it: every image packed (see PackedImage),
 * everything else as it is. parseAnalysis reads it back to an equal analysis.
 *
 * @example
 *   encodeJson(analysisForFile(analysis));  // 4.8 MB for a Base checkpoint, not 10.1
 */
export function analysisForFile(analysis: CheckpointAnalysis): unknown {
  const { reconstruction, generation } = analysis;
  return {
    ...analysis,
    reconstruction: {
      ...reconstruction,
      examples: reconstruction.examples.map((e) => ({
        ...e,
        original: packImage(e.original),
        embedding: packImage(e.embedding),
        float32: packImage(e.float32),
        float64: packImage(e.float64),
        ...(e.float64RoundTrip === undefined ? {} : { float64RoundTrip: packImage(e.float64RoundTrip) }),
      })),
    },
    generation: {
      ...generation,
      sets: generation.sets.map((set) => ({
        ...set,
        perClass: set.perClass.map((c) => ({ ...c, images: c.images.map(packImage) })),
      })),
    },
  };
}

function readLayer(l: JsonObject): LayerSpectrum {
  return {
    index: l.integer('index'),
    sequentialIndex: l.integer('sequentialIndex'),
    sigmaMax: l.number('sigmaMax'),
    sigmaMin: l.number('sigmaMin'),
    cond: l.number('cond'),
    logAbsDet: l.number('logAbsDet'),
    frobenius: l.number('frobenius'),
    stableRank: l.number('stableRank'),
    singularValues: l.numbers('singularValues'),
    activation: l.boolean('activation'),
    ...l.optional('solvable', (k) => l.perPrecision(k, (s, q) => s.oneOf(q, STATUSES))),
  };
}

function readJacobian(j: JsonObject): JacobianReport {
  return {
    cond: j.number('cond'),
    ...j.optional('resolvable', (k) => j.boolean(k)),
    ...j.optional('condEstimate', (k) => j.number(k)),
    sigmaMax: j.number('sigmaMax'),
    sigmaMin: j.number('sigmaMin'),
    pointDescription: j.string('pointDescription'),
    backwardError: j.perPrecision('backwardError', (b, q) => b.number(q)),
    verdict: j.oneOf('verdict', ['invertible', 'float32-insufficient', 'non-invertible-float64'] as const),
    verdictText: j.string('verdictText'),
    ...j.optional('diagnoses', (k) => j.strings(k)),
  };
}

function readErrorStats(e: JsonObject): ErrorStats {
  return {
    meanAbsError: e.number('meanAbsError'),
    maxAbsError: e.number('maxAbsError'),
    psnr: e.number('psnr'),
    brokenFraction: e.number('brokenFraction'),
  };
}

function readRoundTrip(t: JsonObject): RoundTripReport {
  return {
    ...readErrorStats(t),
    imageCount: t.integer('imageCount'),
    medianPsnr: t.number('medianPsnr'),
    label: t.string('label'),
    description: t.string('description'),
  };
}

function readReconstruction(rec: JsonObject): ReconstructionReport {
  return {
    imageCount: rec.integer('imageCount'),
    brokenThreshold: rec.number('brokenThreshold'),
    overall: rec.perPrecision('overall', (s, q) => readErrorStats(s.object(q))),
    ...rec.optional('roundTrips', (k) => {
      const trips = rec.object(k);
      return Object.fromEntries(ROUND_TRIP_IDS.map((id) => [id, readRoundTrip(trips.object(id))])) as Record<
        RoundTripId,
        RoundTripReport
      >;
    }),
    perClass: rec.objects('perClass', (c) => ({
      label: c.integer('label'),
      count: c.integer('count'),
      float32: readErrorStats(c.object('float32')),
      float64: readErrorStats(c.object('float64')),
    })),
    examples: rec.objects('examples', (e) => {
      const image = (key: string) => e.value(key, (v, path) => readImage(e.reader, v, path, IMAGE));
      return {
        label: e.integer('label'),
        original: image('original'),
        embedding: image('embedding'),
        float32: image('float32'),
        float64: image('float64'),
        ...e.optional('float64RoundTrip', image),
      };
    }),
  };
}

function readAmplification(a: JsonObject): AmplificationReport {
  const stages = a.strings('stages');
  return {
    precision: a.oneOf('precision', PRECISIONS),
    ...a.optional('imageCount', (k) => a.integer(k)),
    stages,
    boundPerStage: a.numbers('boundPerStage', stages.length),
    totalBound: a.number('totalBound'),
    points: a.objects('points', (pt) => ({
      delta: pt.number('delta'),
      errorAfterStage: pt.numbers('errorAfterStage', stages.length),
      growthPerStage: pt.numbers('growthPerStage', stages.length),
      psnr: pt.number('psnr'),
      classifierAccuracy: pt.number('classifierAccuracy'),
      ...pt.optional('pooledGrowth', (k) => pt.number(k)),
      ...pt.optional('medianGrowth', (k) => pt.number(k)),
    })),
    recognizableUpTo: a.orNull('recognizableUpTo', (k) => a.number(k)),
    worstCaseGrowth: a.number('worstCaseGrowth'),
  };
}

function readClassDistribution(d: JsonObject): ClassDistribution {
  const density = d.object('density');
  const x = density.numbers('x');
  return {
    label: d.integer('label'),
    count: d.integer('count'),
    mean: d.number('mean'),
    std: d.number('std'),
    skew: d.number('skew'),
    ks: d.number('ks'),
    density: { x, y: density.numbers('y', x.length) },
  };
}

function readGeneration(gen: JsonObject): CheckpointAnalysis['generation'] {
  return {
    classifierTestAccuracy: gen.number('classifierTestAccuracy'),
    ...gen.optional('classifierData', (k) => gen.string(k)),
    sets: gen.objects('sets', readGeneratedSet),
  };
}

function readGeneratedSet(s: JsonObject): GeneratedSet {
  return {
    source: s.oneOf('source', ['target', 'empirical'] as const),
    ...s.optional('prior', (k) => s.oneOf(k, ['paper', 'class'] as const)),
    precision: s.oneOf('precision', PRECISIONS),
    temperature: s.number('temperature'),
    ...s.optional('role', (k) => s.oneOf(k, ['generator', 'control'] as const)),
    ...s.optional('description', (k) => s.string(k)),
    ...s.optional('seedAccuracies', (k) => s.numbers(k)),
    ...s.optional('samplesPerSeed', (k) => s.integer(k)),
    accuracy: s.number('accuracy'),
    perClass: s.objects('perClass', (c) => ({
      label: c.integer('label'),
      images: c.items('images', (v, path) => readImage(c.reader, v, path, IMAGE)),
      accuracy: c.number('accuracy'),
      medianNearestDistance: c.number('medianNearestDistance'),
      ...c.optional('sampleCount', (k) => c.integer(k)),
    })),
  };
}

function readClasses(c: JsonObject): ClassNames {
  return {
    dataset: c.orNull('dataset', (k) => c.string(k)),
    noun: c.string('noun'),
    names: c.strings('names'),
    source: c.string('source'),
  };
}

function readDensity(d: JsonObject): DensityReport {
  return {
    prior: d.oneOf('prior', ['paper', 'class'] as const),
    imageCount: d.integer('imageCount'),
    nll: d.number('nll'),
    latentNll: d.number('latentNll'),
    negLogDet: d.number('negLogDet'),
    testBitsPerDim: d.number('testBitsPerDim'),
    description: d.string('description'),
  };
}

import type { ClassNames } from '../data/classNames';
import { Reader, type Json } from './jsonReader';
import type {
  AmplificationReport, CheckpointAnalysis, ClassDistribution, DensityReport, ErrorStats, GeneratedSet, JacobianReport, LayerSpectrum,
  ReconstructionReport, RoundTripReport,
} from './types';
import { ROUND_TRIP_IDS, type RoundTripId } from './trajectoryTypes';

const IMAGE = 784;
const STATUSES = ['invertible', 'numerically-singular', 'singular'] as const;

/**
 * Checks that `raw` (parsed JSON) has every field of a CheckpointAnalysis with
 * the right type, and returns a fresh copy with NaN and ±Infinity restored.
 * Throws InvertscopeError('CORRUPT') naming the first bad field, so a damaged
 * cache is rebuilt rather than trusted.
 *
 * @example
 *   parseAnalysis(JSON.parse(text), 'epoch-0010.analysis.json').jacobian.verdict;
 */
export function parseAnalysis(raw: Json, where: string): CheckpointAnalysis {
  const r = new Reader(where);
  const o = r.object(raw, 'analysis');
  const image = (v: Json, path: string) => r.numbers(v, path, IMAGE);

  const layers = r.array(o.layers, 'layers').map((v, i): LayerSpectrum => {
    const p = `layers[${i}]`;
    const l = r.object(v, p);
    return {
      index: r.integer(l.index, `${p}.index`),
      sequentialIndex: r.integer(l.sequentialIndex, `${p}.sequentialIndex`),
      sigmaMax: r.number(l.sigmaMax, `${p}.sigmaMax`),
      sigmaMin: r.number(l.sigmaMin, `${p}.sigmaMin`),
      cond: r.number(l.cond, `${p}.cond`),
      logAbsDet: r.number(l.logAbsDet, `${p}.logAbsDet`),
      frobenius: r.number(l.frobenius, `${p}.frobenius`),
      stableRank: r.number(l.stableRank, `${p}.stableRank`),
      singularValues: r.numbers(l.singularValues, `${p}.singularValues`),
      activation: r.boolean(l.activation, `${p}.activation`),
      ...(l.solvable === undefined ? {} : { solvable: r.perPrecision(l.solvable, `${p}.solvable`, (x, q) => r.oneOf(x, q, STATUSES)) }),
    };
  });
  if (layers.length === 0) r.fail('layers', 'a non-empty array', o.layers);

  const j = r.object(o.jacobian, 'jacobian');
  const jacobian: JacobianReport = {
    cond: r.number(j.cond, 'jacobian.cond'),
    ...(j.resolvable === undefined ? {} : { resolvable: r.boolean(j.resolvable, 'jacobian.resolvable') }),
    ...(j.condEstimate === undefined ? {} : { condEstimate: r.number(j.condEstimate, 'jacobian.condEstimate') }),
    sigmaMax: r.number(j.sigmaMax, 'jacobian.sigmaMax'),
    sigmaMin: r.number(j.sigmaMin, 'jacobian.sigmaMin'),
    pointDescription: r.string(j.pointDescription, 'jacobian.pointDescription'),
    backwardError: r.perPrecision(j.backwardError, 'jacobian.backwardError', (x, q) => r.number(x, q)),
    verdict: r.oneOf(j.verdict, 'jacobian.verdict', ['invertible', 'float32-insufficient', 'non-invertible-float64'] as const),
    verdictText: r.string(j.verdictText, 'jacobian.verdictText'),
    ...(j.diagnoses === undefined ? {} : { diagnoses: r.strings(j.diagnoses, 'jacobian.diagnoses') }),
  };

  const errorStats = (v: Json, p: string): ErrorStats => {
    const e = r.object(v, p);
    return {
      meanAbsError: r.number(e.meanAbsError, `${p}.meanAbsError`),
      maxAbsError: r.number(e.maxAbsError, `${p}.maxAbsError`),
      psnr: r.number(e.psnr, `${p}.psnr`),
      brokenFraction: r.number(e.brokenFraction, `${p}.brokenFraction`),
    };
  };
  const roundTrip = (v: Json, p: string): RoundTripReport => {
    const t = r.object(v, p);
    return {
      ...errorStats(v, p),
      imageCount: r.integer(t.imageCount, `${p}.imageCount`),
      medianPsnr: r.number(t.medianPsnr, `${p}.medianPsnr`),
      label: r.string(t.label, `${p}.label`),
      description: r.string(t.description, `${p}.description`),
    };
  };
  const rec = r.object(o.reconstruction, 'reconstruction');
  const trips = rec.roundTrips === undefined ? null : r.object(rec.roundTrips, 'reconstruction.roundTrips');
  const reconstruction: ReconstructionReport = {
    imageCount: r.integer(rec.imageCount, 'reconstruction.imageCount'),
    brokenThreshold: r.number(rec.brokenThreshold, 'reconstruction.brokenThreshold'),
    overall: r.perPrecision(rec.overall, 'reconstruction.overall', errorStats),
    ...(trips === null ? {} : {
      roundTrips: Object.fromEntries(ROUND_TRIP_IDS.map((id) => [id, roundTrip(trips[id], `reconstruction.roundTrips.${id}`)])) as Record<RoundTripId, RoundTripReport>,
    }),
    perClass: r.array(rec.perClass, 'reconstruction.perClass').map((v, i) => {
      const p = `reconstruction.perClass[${i}]`;
      const c = r.object(v, p);
      return { label: r.integer(c.label, `${p}.label`), count: r.integer(c.count, `${p}.count`), float32: errorStats(c.float32, `${p}.float32`), float64: errorStats(c.float64, `${p}.float64`) };
    }),
    examples: r.array(rec.examples, 'reconstruction.examples').map((v, i) => {
      const p = `reconstruction.examples[${i}]`;
      const e = r.object(v, p);
      return {
        label: r.integer(e.label, `${p}.label`),
        original: image(e.original, `${p}.original`),
        embedding: image(e.embedding, `${p}.embedding`),
        float32: image(e.float32, `${p}.float32`),
        float64: image(e.float64, `${p}.float64`),
        ...(e.float64RoundTrip === undefined ? {} : { float64RoundTrip: image(e.float64RoundTrip, `${p}.float64RoundTrip`) }),
      };
    }),
  };

  const amplification = r.array(o.amplification, 'amplification').map((v, i): AmplificationReport => {
    const p = `amplification[${i}]`;
    const a = r.object(v, p);
    const stages = r.strings(a.stages, `${p}.stages`);
    return {
      precision: r.oneOf(a.precision, `${p}.precision`, ['float32', 'float64'] as const),
      ...(a.imageCount === undefined ? {} : { imageCount: r.integer(a.imageCount, `${p}.imageCount`) }),
      stages,
      boundPerStage: r.numbers(a.boundPerStage, `${p}.boundPerStage`, stages.length),
      totalBound: r.number(a.totalBound, `${p}.totalBound`),
      points: r.array(a.points, `${p}.points`).map((pv, k) => {
        const q = `${p}.points[${k}]`;
        const pt = r.object(pv, q);
        return {
          delta: r.number(pt.delta, `${q}.delta`),
          errorAfterStage: r.numbers(pt.errorAfterStage, `${q}.errorAfterStage`, stages.length),
          growthPerStage: r.numbers(pt.growthPerStage, `${q}.growthPerStage`, stages.length),
          psnr: r.number(pt.psnr, `${q}.psnr`),
          classifierAccuracy: r.number(pt.classifierAccuracy, `${q}.classifierAccuracy`),
          ...(pt.pooledGrowth === undefined ? {} : { pooledGrowth: r.number(pt.pooledGrowth, `${q}.pooledGrowth`) }),
          ...(pt.medianGrowth === undefined ? {} : { medianGrowth: r.number(pt.medianGrowth, `${q}.medianGrowth`) }),
        };
      }),
      recognizableUpTo: a.recognizableUpTo === null ? null : r.number(a.recognizableUpTo, `${p}.recognizableUpTo`),
      worstCaseGrowth: r.number(a.worstCaseGrowth, `${p}.worstCaseGrowth`),
    };
  });

  const dist = r.object(o.distribution, 'distribution');
  const distribution = {
    perClass: r.array(dist.perClass, 'distribution.perClass').map((v, i): ClassDistribution => {
      const p = `distribution.perClass[${i}]`;
      const d = r.object(v, p);
      const density = r.object(d.density, `${p}.density`);
      const x = r.numbers(density.x, `${p}.density.x`);
      return {
        label: r.integer(d.label, `${p}.label`),
        count: r.integer(d.count, `${p}.count`),
        mean: r.number(d.mean, `${p}.mean`),
        std: r.number(d.std, `${p}.std`),
        skew: r.number(d.skew, `${p}.skew`),
        ks: r.number(d.ks, `${p}.ks`),
        density: { x, y: r.numbers(density.y, `${p}.density.y`, x.length) },
      };
    }),
  };

  const gen = r.object(o.generation, 'generation');
  const generation = {
    classifierTestAccuracy: r.number(gen.classifierTestAccuracy, 'generation.classifierTestAccuracy'),
    ...(gen.classifierData === undefined ? {} : { classifierData: r.string(gen.classifierData, 'generation.classifierData') }),
    sets: r.array(gen.sets, 'generation.sets').map((v, i): GeneratedSet => {
      const p = `generation.sets[${i}]`;
      const s = r.object(v, p);
      return {
        source: r.oneOf(s.source, `${p}.source`, ['target', 'empirical'] as const),
        ...(s.prior === undefined ? {} : { prior: r.oneOf(s.prior, `${p}.prior`, ['paper', 'class'] as const) }),
        precision: r.oneOf(s.precision, `${p}.precision`, ['float32', 'float64'] as const),
        temperature: r.number(s.temperature, `${p}.temperature`),
        ...(s.role === undefined ? {} : { role: r.oneOf(s.role, `${p}.role`, ['generator', 'control'] as const) }),
        ...(s.description === undefined ? {} : { description: r.string(s.description, `${p}.description`) }),
        ...(s.seedAccuracies === undefined ? {} : { seedAccuracies: r.numbers(s.seedAccuracies, `${p}.seedAccuracies`) }),
        ...(s.samplesPerSeed === undefined ? {} : { samplesPerSeed: r.integer(s.samplesPerSeed, `${p}.samplesPerSeed`) }),
        accuracy: r.number(s.accuracy, `${p}.accuracy`),
        perClass: r.array(s.perClass, `${p}.perClass`).map((cv, k) => {
          const q = `${p}.perClass[${k}]`;
          const c = r.object(cv, q);
          return {
            label: r.integer(c.label, `${q}.label`),
            images: r.array(c.images, `${q}.images`).map((im, m) => image(im, `${q}.images[${m}]`)),
            accuracy: r.number(c.accuracy, `${q}.accuracy`),
            medianNearestDistance: r.number(c.medianNearestDistance, `${q}.medianNearestDistance`),
            ...(c.sampleCount === undefined ? {} : { sampleCount: r.integer(c.sampleCount, `${q}.sampleCount`) }),
          };
        }),
      };
    }),
  };

  return {
    formatVersion: r.integer(o.formatVersion, 'formatVersion'),
    ...(o.dataDescription === undefined ? {} : { dataDescription: r.string(o.dataDescription, 'dataDescription') }),
    ...(o.classes === undefined ? {} : { classes: readClasses(r, o.classes) }),
    checkpointSha256: r.string(o.checkpointSha256, 'checkpointSha256'),
    computedAt: r.string(o.computedAt, 'computedAt'),
    computeSeconds: r.number(o.computeSeconds, 'computeSeconds'),
    architectureName: r.string(o.architectureName, 'architectureName'),
    epoch: r.integer(o.epoch, 'epoch'),
    layers,
    jacobian,
    reconstruction,
    amplification,
    distribution,
    generation,
    ...(o.density === undefined ? {} : { density: readDensity(r, o.density) }),
  };
}

function readClasses(r: Reader, raw: Json): ClassNames {
  const c = r.object(raw, 'classes');
  return {
    dataset: c.dataset === null ? null : r.string(c.dataset, 'classes.dataset'),
    noun: r.string(c.noun, 'classes.noun'),
    names: r.strings(c.names, 'classes.names'),
    source: r.string(c.source, 'classes.source'),
  };
}

function readDensity(r: Reader, raw: Json): DensityReport {
  const d = r.object(raw, 'density');
  return {
    prior: r.oneOf(d.prior, 'density.prior', ['paper', 'class'] as const),
    imageCount: r.integer(d.imageCount, 'density.imageCount'),
    nll: r.number(d.nll, 'density.nll'),
    latentNll: r.number(d.latentNll, 'density.latentNll'),
    negLogDet: r.number(d.negLogDet, 'density.negLogDet'),
    testBitsPerDim: r.number(d.testBitsPerDim, 'density.testBitsPerDim'),
    description: r.string(d.description, 'density.description'),
  };
}

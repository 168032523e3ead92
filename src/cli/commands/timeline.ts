import { resolve } from 'node:path';
import { encodeJson } from '../../shared/jsonNumbers';
import { FLOAT64_RESOLVABLE_COND, isConditionBound } from '../../core/analysis/jacobianCondition';
import { DEFAULT_LIGHT_OPTIONS, type LightAnalysisOptions } from '../../core/analysis/lightAnalysis';
import { runTrajectory, type RunTrajectoryResult } from '../../core/analysis/runTrajectory';
import { quoteAccuracy } from '../../core/analysis/quoteAccuracy';
import {
  ROUND_TRIPS,
  ROUND_TRIP_IDS,
  type RoundTripId,
  type RunTrajectory,
  type TrajectoryPoint,
} from '../../core/analysis/trajectoryTypes';
import { prettyJson } from '../../core/store/jsonText';
import { RunStore } from '../../core/store/runStore';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec, type FlagValues } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { ProgressBar } from '../progressBar';
import { withInterrupt } from '../interrupt';
import { resolveRun } from '../../core/store/resolveRun';
import { EPOCH_DIGITS, formatCondition, formatDuration, formatNumber, formatPercent } from '../../shared/formatNumber';

const L = DEFAULT_LIGHT_OPTIONS;

const FLAGS: Record<string, FlagSpec> = {
  runs: RUNS_FLAG,
  json: {
    type: 'boolean',
    description:
      'print the trajectory (RunTrajectory: one point per checkpoint) as one JSON document; NaN and ±Infinity as strings',
  },
  recompute: { type: 'boolean', description: 'ignore cached points and full analyses and compute every point again' },
  'light-only': {
    type: 'boolean',
    description: 'compute light points even where a full analysis is cached (the same images at every epoch)',
  },
  'test-images': {
    type: 'integer',
    min: 10,
    max: 100000,
    default: L.testImages,
    description: 'test images taken through the three round trips',
  },
  'noise-images': {
    type: 'integer',
    min: 1,
    max: 10000,
    default: L.noiseImages,
    description: 'of those, images the noise study uses',
  },
  temperature: {
    type: 'number',
    min: 0,
    max: 100,
    default: L.temperature,
    description: "T of the generation score's samples of the target",
  },
  samples: {
    type: 'integer',
    min: 1,
    max: 10000,
    default: L.samplesPerClass,
    description: 'generated samples per class and set, for each seed of the generation score',
  },
  seeds: {
    type: 'integer',
    min: 1,
    max: 100,
    default: L.generationSeeds,
    description: 'seeds of the generation score, for its spread (3 for a figure to quote)',
  },
  seed: { type: 'integer', min: 0, default: L.seed, description: 'seed of the noise and the first generation seed' },
  'no-noise': { type: 'boolean', description: 'skip the noise study' },
  'no-generation': { type: 'boolean', description: 'skip the generation score' },
};

export const timelineCommand: Command = {
  name: 'timeline',
  summary:
    'follow a run across its checkpoints: κ per layer and of the Jacobian, the three round trips, noise, generation',
  usage: 'invertscope timeline <run> [options]',
  arguments: [['<run>', 'a run id, a unique prefix of one, or a run folder']],
  flags: FLAGS,
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length !== 1)
      throw new UsageError('timeline needs exactly one run (an id, a unique prefix, or a run folder)');
    const base = new RunStore(resolve(ctx.cwd, (flags.runs as string | undefined) ?? 'runs'));
    const { store, id } = await resolveRun(base, positionals[0], { cwd: ctx.cwd });
    const bar = new ProgressBar(ctx.stderr);
    let shown = -1;
    const result = await withInterrupt(ctx, (signal) =>
      runTrajectory(
        {
          runsFolder: store.root,
          runId: id,
          options: lightOptionsFromFlags(flags),
          reuseCache: flags.recompute !== true,
          useFullAnalysis: flags['light-only'] !== true,
        },
        {
          signal,
          onProgress: (p) => {
            if (p.checkpointIndex !== shown && p.pointFraction === 0) {
              shown = p.checkpointIndex;
              bar.log(`· epoch ${p.epoch} (${p.checkpointIndex + 1} of ${p.checkpointCount})`);
            }
            bar.update(p.fraction, p.message);
          },
        },
      ),
    );
    bar.done();
    for (const warning of result.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    if (flags.json) {
      ctx.stdout.write(prettyJson(JSON.parse(encodeJson(result.trajectory))));
      return EXIT.ok;
    }
    ctx.stdout.write(`${describeTimeline(result)}\n`);
    return EXIT.ok;
  },
};

/** The light options the flags ask for (unset flags keep the defaults). */
function lightOptionsFromFlags(flags: FlagValues): Partial<LightAnalysisOptions> {
  return {
    testImages: flags['test-images'] as number | undefined,
    noiseImages: flags['noise-images'] as number | undefined,
    temperature: flags.temperature as number | undefined,
    samplesPerClass: flags.samples as number | undefined,
    generationSeeds: flags.seeds as number | undefined,
    seed: flags.seed as number | undefined,
    noise: flags['no-noise'] === true ? false : undefined,
    generation: flags['no-generation'] === true ? false : undefined,
  };
}

/** A κ for a table cell: '1.23e7', or '> 4.5e15' beyond what float64 resolves. */
function condCell(cond: number, resolvable: boolean): string {
  return formatCondition(cond, !isConditionBound(cond, resolvable));
}

/** The trajectory for people: one table per group of figures, a row per checkpoint, a column per series. */
export function describeTimeline(result: RunTrajectoryResult): string {
  const t: RunTrajectory = result.trajectory;
  const points = t.points;
  const out: string[] = [];
  out.push(
    `${t.architectureName} · ${t.objective === 'flow' ? 'flow objective' : "the paper's loss"} · run ${t.runId} · ${points.length} checkpoint${points.length === 1 ? '' : 's'}` +
      ` (${result.cached} from caches, ${result.computed} computed${result.computed > 0 ? ` in ${formatDuration(result.computeSeconds)}` : ''})`,
  );
  out.push(`images: ${t.dataDescription}`);
  if (points.length === 0) {
    out.push('', 'This run has no checkpoints yet.');
    return out.join('\n');
  }
  const full = points.filter((p) => p.source === 'full').map((p) => p.epoch);
  if (full.length > 0)
    out.push(
      `epochs ${full.join(', ')}: taken from their full analyses (more images; --light-only for the same images at every epoch)`,
    );
  const epoch = (p: TrajectoryPoint) => String(p.epoch);
  const layers = points[0].layers.length;

  out.push('', 'Layers: κ = σmax/σmin of each weight matrix W, and log|det W| (nats)');
  out.push(
    table(
      [
        'EPOCH',
        ...Array.from({ length: layers }, (_, l) => `κ L${l + 1}`),
        ...Array.from({ length: layers }, (_, l) => `LOG|DET| L${l + 1}`),
      ],
      points.map((p) => [
        epoch(p),
        ...p.layers.map((l) => condCell(l.cond, l.cond <= FLOAT64_RESOLVABLE_COND)),
        ...p.layers.map((l) => formatNumber(l.logAbsDet)),
      ]),
    ),
  );

  out.push(
    '',
    `Round trips: share broken (per-image MAE > 0.1) and median PSNR over images; κ(J) of the end-to-end Jacobian at ${points[0].jacobian.pointDescription}`,
  );
  out.push(`  ${ROUND_TRIP_IDS.map((id) => `${ROUND_TRIP_COLUMNS[id]}: ${roundTripWords(id)}`).join(' · ')}`);
  out.push(
    table(
      [
        'EPOCH',
        'κ(J)',
        ...ROUND_TRIP_IDS.map((id) => `${ROUND_TRIP_COLUMNS[id]} BROKEN`),
        ...ROUND_TRIP_IDS.map((id) => `${ROUND_TRIP_COLUMNS[id]} PSNR`),
        'VERDICT',
      ],
      points.map((p) => [
        epoch(p),
        condCell(p.jacobian.cond, p.jacobian.resolvable),
        ...ROUND_TRIP_IDS.map((id) => formatPercent(p.roundTrips[id].brokenFraction)),
        ...ROUND_TRIP_IDS.map((id) => formatNumber(p.roundTrips[id].medianPsnr)),
        VERDICT_WORDS[p.verdict],
      ]),
    ),
  );
  if (points.some((p) => !p.jacobian.resolvable))
    out.push(
      '  >x: σmin is below what float64 resolves next to σmax (κ beyond 1/ε ≈ 4.5e15), so κ is only bounded from below.',
    );

  const withNoise = points.filter((p) => p.noise);
  const withGeneration = points.filter((p) => p.generation);
  const withBits = points.filter((p) => p.testBitsPerDim !== undefined);
  if (withNoise.length + withGeneration.length + withBits.length > 0) {
    const g = withGeneration[0]?.generation;
    const noiseCount = withNoise[0]?.noise?.[0]?.imageCount;
    out.push('', 'Noise and generation');
    if (withNoise.length > 0) {
      out.push(
        `  δ: the largest noise δ added to the embedding for which the reconstructions stay recognizable (PSNR ≥ 20 dB, classifier ≥ 90% of clean), per inverse precision; "none": not even the smallest (${noiseCount} images)`,
      );
      out.push(
        "  GROWTH: error after the inverse ÷ injected noise at the smallest δ, the median over images (per-image); POOLED: the same over all images' pixels at once",
      );
    }
    if (g)
      out.push(
        `  GENERATED: samples of the objective's target (${g.prior === 'class' ? 'learned prior N(μa, T²Σa)' : 'N(2a, T²)'}, T = ${g.temperature}) through the float64 inverse, share read as the class they were drawn for (chance 10%)`,
      );
    const noiseOf = (p: TrajectoryPoint, precision: 'float32' | 'float64') =>
      p.noise?.find((x) => x.precision === precision);
    const delta = (x: ReturnType<typeof noiseOf>) =>
      x ? (x.recognizableUpTo === null ? 'none' : formatNumber(x.recognizableUpTo)) : '—';
    const growth = (x: ReturnType<typeof noiseOf>, which: 'medianGrowth' | 'pooledGrowth') =>
      x ? formatNumber(x[which]) : '—';
    out.push(
      table(
        [
          'EPOCH',
          ...(withNoise.length > 0 ? ['δ F32', 'δ F64', 'GROWTH F32', 'GROWTH F64', 'POOLED F32', 'POOLED F64'] : []),
          ...(withGeneration.length > 0 ? ['GENERATED'] : []),
          ...(withBits.length > 0 ? ['TEST BITS/DIM'] : []),
        ],
        points.map((p) => [
          epoch(p),
          ...(withNoise.length > 0
            ? [
                delta(noiseOf(p, 'float32')),
                delta(noiseOf(p, 'float64')),
                growth(noiseOf(p, 'float32'), 'medianGrowth'),
                growth(noiseOf(p, 'float64'), 'medianGrowth'),
                growth(noiseOf(p, 'float32'), 'pooledGrowth'),
                growth(noiseOf(p, 'float64'), 'pooledGrowth'),
              ]
            : []),
          ...(withGeneration.length > 0
            ? [
                p.generation
                  ? quoteAccuracy(
                      p.generation.accuracy,
                      p.generation.seedAccuracies,
                      p.generation.sampleCount / (p.generation.seedAccuracies?.length ?? 1),
                    )
                  : '—',
              ]
            : []),
          ...(withBits.length > 0
            ? [p.testBitsPerDim === undefined ? '—' : formatNumber(p.testBitsPerDim, EPOCH_DIGITS)]
            : []),
        ]),
      ),
    );
  }
  return out.join('\n');
}

const ROUND_TRIP_COLUMNS: Record<RoundTripId, string> = { float32: 'F32', mixed: 'MIXED', float64: 'F64' };

/** 'float32 forward and inverse', or 'float32 embedding, float64 inverse' for the mixed round trip. */
function roundTripWords(id: RoundTripId): string {
  const { forward, inverse } = ROUND_TRIPS[id];
  return forward === inverse ? `${forward} forward and inverse` : `${forward} embedding, ${inverse} inverse`;
}

const VERDICT_WORDS: Record<TrajectoryPoint['verdict'], string> = {
  invertible: 'invertible in float32',
  'float32-insufficient': 'float32 not enough',
  'non-invertible-float64': 'not even float64',
};

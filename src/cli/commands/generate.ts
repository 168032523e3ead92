import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  CLASSIFIER_DATA, CLASSIFIER_SETTINGS, generationReport, loadOrTrainClassifier, openCheckpoint, progressTracker, type GeneratedSet,
} from '../../core/analysis';
import { balancedSelection, selectRows } from '../../core/analysis/balancedSelection';
import { DEFAULT_DATA_SPEC, loadData } from '../../core/data/loadData';
import { renderGrid, type GridSpec } from '../../core/image/imageGrid';
import { encodePng } from '../../core/image/png';
import { parseArgs, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { fmtNumber, table } from '../format';
import { CHECKPOINT_FLAGS, checkpointOutputStem, progressPrinter, resolveCheckpointArgument, sourceName, withInterrupt } from './analyze';

/** Samples scored per class at least, so the score is not decided by the few drawn. */
const SCORED_PER_CLASS = 32;
/** The second temperature the samples are drawn at unless told: a flow's samples sharpen well before T = 0.5. */
const DEFAULT_LOW_TEMPERATURE = 0.7;
/** Real digits each sample is compared with, at most. */
const REFERENCE_IMAGES = 8000;

const FLAGS: Record<string, FlagSpec> = {
  ...CHECKPOINT_FLAGS,
  out: { type: 'string', description: 'the PNG to write (default <run>-epoch-NNNN-generated.png here)' },
  class: { type: 'integer', min: 0, max: 9, description: 'only this digit (default: all ten)' },
  temperature: { type: 'number', min: 0, max: 100, description: 'T of the samples z ~ N(2a, T²) (a flow: its prior at T) and of the class Gaussians (default 1)' },
  'low-temperature': { type: 'number', min: 0, max: 100, description: 'a second T for the target, shown beside the first (default 0.7 when --temperature is above it; equal to --temperature for none)' },
  samples: { type: 'integer', min: 1, max: 64, description: 'samples shown per set: default 3 for all digits, 8 with --class' },
  seed: { type: 'integer', min: 0, description: 'seed of the samples (default 0)' },
};

export const generateCommand: Command = {
  name: 'generate',
  summary: 'sample embeddings per digit, invert them in float32 and float64, and score how digit-like they are',
  usage: 'invertscope generate <checkpoint.safetensors | run id [--epoch N]> [--class 0-9] [--temperature T] [--low-temperature T] [--samples N] [--out grid.png] [--runs runs]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const only = flags.class as number | undefined;
    const temperature = (flags.temperature as number | undefined) ?? 1;
    const low = (flags['low-temperature'] as number | undefined) ?? (temperature > DEFAULT_LOW_TEMPERATURE ? DEFAULT_LOW_TEMPERATURE : temperature);
    const shown = (flags.samples as number | undefined) ?? (only === undefined ? 3 : 8);
    const opened = await openCheckpoint(file);
    const { net, checkpoint, data } = opened;
    for (const warning of opened.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    const n = net.width;
    const train = data.split.train;
    const report = await withInterrupt(ctx, async (signal) => {
      const progress = progressTracker(progressPrinter(ctx, 'stage'), signal);
      const classifierTick = progress.stage('classifier');
      const { classifier, testAccuracy } = await loadOrTrainClassifier({
        cacheFolder: opened.cacheFolder, settings: CLASSIFIER_SETTINGS, dataDescription: CLASSIFIER_DATA, loadData: () => loadData(DEFAULT_DATA_SPEC),
      }, (fraction) => classifierTick(fraction, 'training the digit classifier (once; it is cached)'));
      return generationReport({
        net, factors: opened.factors, train, classifier, classifierTestAccuracy: testAccuracy, temperature, prior: opened.prior,
        extraTemperatures: low === temperature ? [] : [low],
        reference: selectRows(train.images, n, balancedSelection(train.labels, train.classes, REFERENCE_IMAGES)),
        samplesPerClass: Math.max(SCORED_PER_CLASS, shown), imagesPerClass: shown, embeddingImagesPerClass: 400,
        seed: (flags.seed as number | undefined) ?? 0,
      }, progress.stage('generation'));
    });

    // The target at each temperature side by side (per precision), then the class Gaussians.
    const order = (set: GeneratedSet) => (set.source === 'target' ? 0 : 1) * 4 + (set.precision === 'float32' ? 0 : 2) + (set.temperature === temperature ? 0 : 1);
    const sets = [...report.sets].sort((a, b) => order(a) - order(b));
    const epoch = checkpoint.training.epoch;
    const name = checkpointOutputStem(file, opened.run?.record.id ?? null, epoch);
    const out = resolve(ctx.cwd, (flags.out as string | undefined) ?? `${name}-generated${only === undefined ? '' : `-${only}`}.png`);
    const score = (s: GeneratedSet) => {
      const c = only === undefined ? null : s.perClass.find((p) => p.label === only);
      return c ? c.accuracy : s.accuracy;
    };
    const setName = (s: GeneratedSet) => `${s.source === 'empirical' ? 'GAUSS' : s.prior === 'class' ? 'PRIOR' : 'TARGET'} ${s.precision === 'float32' ? 'F32' : 'F64'}${s.temperature === temperature ? '' : ` T=${s.temperature}`}`;
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    const head = `${net.architectureName} EPOCH ${epoch}  T=${temperature}${low === temperature ? '' : ` AND ${low}`}`;
    let spec: GridSpec;
    if (only !== undefined) {
      // One digit: a row per set, its samples across.
      spec = {
        title: `DIGIT ${only}  ${head}  READ AS ${only}: ${sets.map((s) => `${setName(s)} ${percent(score(s))}`).join('  ')}`,
        rows: sets.flatMap((set) => {
          const c = set.perClass.find((p) => p.label === only);
          return c ? [{ label: `${setName(set)} ${percent(c.accuracy)}`, tiles: c.images.map((values) => ({ values, scale: 'pixel' as const })) }] : [];
        }),
      };
    } else {
      // All digits: a row per digit, a group of samples per set.
      const perSet = Math.min(shown, sets[0]?.perClass[0]?.images.length ?? 0);
      spec = {
        title: `GENERATED  ${head}  CLASSIFIER ${percent(report.classifierTestAccuracy)} ON REAL DIGITS`,
        columnTitles: sets.flatMap((set) => Array.from({ length: perSet }, (_, k) => (k === 0 ? `${setName(set)} ${percent(set.accuracy)}` : ''))),
        rows: Array.from({ length: train.classes }, (_, label) => ({
          label: String(label),
          tiles: sets.flatMap((set) => {
            const images = set.perClass.find((p) => p.label === label)?.images ?? [];
            return Array.from({ length: perSet }, (_, k) => ({ values: images[k] ?? new Array<number>(n).fill(Number.NaN), scale: 'pixel' as const }));
          }),
        })),
      };
    }
    const grid = renderGrid(spec);
    await writeFile(out, encodePng(grid.width, grid.height, grid.rgb));

    const classes = Array.from({ length: train.classes }, (_, label) => label).filter((label) => only === undefined || label === only);
    ctx.stdout.write([
      `${net.architectureName}, epoch ${epoch} · T = ${temperature}${low === temperature ? '' : ` and ${low} (the target only)`} · classifier ${percent(report.classifierTestAccuracy)} on real test digits (chance 10%)`,
      `Share of samples the classifier reads as the intended digit (${sets[0]?.perClass[0]?.sampleCount ?? 0} samples per digit and set):`,
      table(['SAMPLES', 'INVERSE', 'T', ...classes.map(String), ...(classes.length > 1 ? ['ALL'] : []), 'MEDIAN DIST'], sets.map((s) => {
        const distances = s.perClass.filter((c) => classes.includes(c.label)).map((c) => c.medianNearestDistance).sort((a, b) => a - b);
        return [
          sourceName(s), s.precision, String(s.temperature),
          ...classes.map((label) => { const c = s.perClass.find((p) => p.label === label); return c ? percent(c.accuracy) : '—'; }),
          ...(classes.length > 1 ? [percent(score(s))] : []), fmtNumber(distances[distances.length >> 1] ?? Number.NaN, 3),
        ];
      })),
      'MEDIAN DIST: median distance from a sample (as displayed, clamped to [0, 1]) to its nearest real training digit.',
      `Wrote ${relative(ctx.cwd, out) || out} (${grid.width}×${grid.height}). ${opened.prior?.kind === 'class' ? "PRIOR: z ~ the flow's learned N(μa, T²σa²)" : 'TARGET: z ~ N(2a, T²)'}; GAUSS: z ~ the Gaussian of the class's training embeddings; ` +
        'F32 / F64: inverted in float32 / float64. Red pixels are NaN or infinite.',
    ].join('\n') + '\n');
    return EXIT.ok;
  },
};

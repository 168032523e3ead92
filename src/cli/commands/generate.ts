import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  CLASSIFIER_SETTINGS, classifierDataFor, classifierFolders, defaultClassifier, generationReport, openCheckpoint, progressTracker, type GeneratedSet,
} from '../../core/analysis';
import { balancedSelection, selectRows } from '../../core/analysis/balancedSelection';
import { renderGrid, type GridSpec } from '../../core/image/imageGrid';
import { encodePng } from '../../core/image/png';
import { parseArgs, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { fmtNumber, table } from '../format';
import { CHECKPOINT_ARGUMENT, CHECKPOINT_FLAGS, checkpointOutputStem, progressPrinter, resolveCheckpointArgument, sourceName, withInterrupt } from './analyze';

/** Samples scored per class at least, so the score is not decided by the few drawn. */
const SCORED_PER_CLASS = 32;
/** Real digits each sample is compared with, at most. */
const REFERENCE_IMAGES = 8000;

const FLAGS = {
  ...CHECKPOINT_FLAGS,
  out: { type: 'string', valueName: 'file.png', default: '<run>-epoch-NNNN-generated[-<class>].png in the current folder', description: 'the PNG to write' },
  class: { type: 'integer', min: 0, max: 9, default: 'all ten', description: 'only this class' },
  temperature: { type: 'number', min: 0, max: 100, valueName: 'T', default: 1, description: 'T of the samples z ~ N(2a, T²) (a flow: its prior at T) and of the class Gaussians' },
  samples: { type: 'integer', min: 1, max: 10000, default: SCORED_PER_CLASS, description: 'generated samples per class and set, each scored by the digit classifier' },
  show: { type: 'integer', min: 1, max: 64, default: '3 per set, 8 with --class', description: 'of those, samples drawn per class and set in the PNG' },
  seed: { type: 'integer', min: 0, default: 0, description: 'seed of the samples' },
} satisfies Record<string, FlagSpec>;

export const generateCommand: Command = {
  name: 'generate',
  summary: 'sample embeddings per digit, invert them in float32 and float64, and score how digit-like they are',
  usage: 'invertscope generate <checkpoint> [options]',
  flags: FLAGS,
  arguments: [CHECKPOINT_ARGUMENT],
  examples: ['invertscope generate 20261130-0512-small-3f9a --class 3 --temperature 0.7 --out threes.png'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const only = flags.class;
    const temperature = flags.temperature ?? FLAGS.temperature.default;
    const scored = flags.samples ?? FLAGS.samples.default;
    const shown = Math.min(scored, flags.show ?? (only === undefined ? 3 : 8));
    const opened = await openCheckpoint(file);
    const { net, checkpoint, data } = opened;
    for (const warning of opened.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    const n = net.width;
    const train = data.split.train;
    const report = await withInterrupt(ctx, async (signal) => {
      const progress = progressTracker(progressPrinter(ctx, 'stage'), signal);
      const classifierTick = progress.stage('classifier');
      const classifierData = await classifierDataFor(opened.run?.record.config.data ?? null);
      const { classifier, testAccuracy } = await defaultClassifier(classifierFolders(opened.run), CLASSIFIER_SETTINGS, classifierTick, classifierData);
      return generationReport({
        net, factors: opened.factors, train, classifier, classifierTestAccuracy: testAccuracy, temperature, prior: opened.prior,
        reference: selectRows(train.images, n, balancedSelection(train.labels, train.classes, REFERENCE_IMAGES)),
        samplesPerClass: scored, imagesPerClass: shown, embeddingImagesPerClass: 400,
        seed: flags.seed ?? FLAGS.seed.default,
      }, progress.stage('generation'));
    });

    const epoch = checkpoint.training.epoch;
    const name = checkpointOutputStem(file, opened.run?.record.id ?? null, epoch);
    const out = resolve(ctx.cwd, flags.out ?? `${name}-generated${only === undefined ? '' : `-${only}`}.png`);
    const score = (s: GeneratedSet) => {
      const c = only === undefined ? null : s.perClass.find((p) => p.label === only);
      return c ? c.accuracy : s.accuracy;
    };
    const setName = (s: GeneratedSet) => `${s.source === 'empirical' ? 'GAUSS' : s.prior === 'class' ? 'PRIOR' : 'TARGET'} ${s.precision === 'float32' ? 'F32' : 'F64'}`;
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    const head = `${net.architectureName} EPOCH ${epoch}  T=${temperature}`;
    let spec: GridSpec;
    if (only !== undefined) {
      // One digit: a row per set, its samples across.
      spec = {
        title: `DIGIT ${only}  ${head}  READ AS ${only}: ${report.sets.map((s) => `${setName(s)} ${percent(score(s))}`).join('  ')}`,
        rows: report.sets.flatMap((set) => {
          const c = set.perClass.find((p) => p.label === only);
          return c ? [{ label: `${setName(set)} ${percent(c.accuracy)}`, tiles: c.images.map((values) => ({ values, scale: 'pixel' as const })) }] : [];
        }),
      };
    } else {
      // All digits: a row per digit, a group of samples per set.
      const perSet = Math.min(shown, report.sets[0]?.perClass[0]?.images.length ?? 0);
      spec = {
        title: `GENERATED  ${head}  CLASSIFIER ${percent(report.classifierTestAccuracy)} ON REAL DIGITS`,
        columnTitles: report.sets.flatMap((set) => Array.from({ length: perSet }, (_, k) => (k === 0 ? `${setName(set)} ${percent(set.accuracy)}` : ''))),
        rows: Array.from({ length: train.classes }, (_, label) => ({
          label: String(label),
          tiles: report.sets.flatMap((set) => {
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
      `${net.architectureName}, epoch ${epoch} · T = ${temperature} · classifier ${percent(report.classifierTestAccuracy)} on real test digits (chance 10%)`,
      `Share of samples the classifier reads as the intended digit (${report.sets[0]?.perClass[0]?.sampleCount ?? 0} samples per digit and set):`,
      table(['SAMPLES', 'INVERSE', ...classes.map(String), ...(classes.length > 1 ? ['ALL'] : []), 'MEDIAN DIST'], report.sets.map((s) => {
        const distances = s.perClass.filter((c) => classes.includes(c.label)).map((c) => c.medianNearestDistance).sort((a, b) => a - b);
        return [
          sourceName(s), s.precision,
          ...classes.map((label) => { const c = s.perClass.find((p) => p.label === label); return c ? percent(c.accuracy) : '—'; }),
          ...(classes.length > 1 ? [percent(score(s))] : []), fmtNumber(distances[distances.length >> 1] ?? Number.NaN, 3),
        ];
      })),
      'MEDIAN DIST: median Euclidean distance, in pixel values of [0, 1] over 784 pixels, from a sample (as displayed, clamped to [0, 1]) to its nearest real training image.',
      `Wrote ${relative(ctx.cwd, out) || out} (${grid.width}×${grid.height} px). ${opened.prior?.kind === 'class' ? "PRIOR: z ~ the flow's learned N(μa, T²σa²)" : 'TARGET: z ~ N(2a, T²)'}; GAUSS: z ~ the Gaussian of the class's training embeddings; ` +
        'F32 / F64: inverted in float32 / float64. Red pixels are NaN or infinite.',
    ].join('\n') + '\n');
    return EXIT.ok;
  },
};

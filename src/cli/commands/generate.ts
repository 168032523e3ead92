import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  CLASSIFIER_SETTINGS,
  classifierDataFor,
  generationReport,
  openCheckpoint,
  progressTracker,
  type GeneratedSet,
} from '../../core/analysis';
import { nearestReference } from '../../core/analysis/nearestReference';
import { classifierFolders, defaultClassifier, defaultClassifierWarning } from '../../core/analysis/defaultClassifier';
import { DIGIT_CLASSES, labelName } from '../../core/data/classNames';
import { renderGrid, type GridSpec } from '../../core/image/imageGrid';
import { encodePng } from '../../core/image/png';
import { parseArgs, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { progressPrinter } from '../analysisProgress';
import {
  CHECKPOINT_ARGUMENT,
  CHECKPOINT_FLAGS,
  checkpointOutputStem,
  resolveCheckpointArgument,
} from '../checkpointArgument';
import { sourceName } from '../generatedSets';
import { withInterrupt } from '../interrupt';
import { checkOutputFile } from '../../core/files/outputFile';
import { hasFullCovariance, priorRank, type FlowPrior } from '../../core/train/flow/flowPrior';
import { formatNumber } from '../../shared/formatNumber';

/** Samples scored per class at least, so the score is not decided by the few drawn. */
const SCORED_PER_CLASS = 32;
/** The second temperature the samples are drawn at unless told: a flow's samples sharpen well before T = 0.5. */
const DEFAULT_LOW_TEMPERATURE = 0.7;

const FLAGS = {
  ...CHECKPOINT_FLAGS,
  out: {
    type: 'string',
    valueName: 'file.png',
    default: '<run>-epoch-NNNN-generated[-<class>].png in the current folder',
    description: 'the PNG to write',
  },
  class: { type: 'integer', min: 0, max: 9, default: 'all ten', description: 'only this class, by its label' },
  temperature: {
    type: 'number',
    min: 0,
    max: 100,
    valueName: 'T',
    default: 1,
    description: 'T of the samples z ~ N(2a, T²) (a flow: its prior at T) and of the class Gaussians',
  },
  'low-temperature': {
    type: 'number',
    min: 0,
    max: 100,
    valueName: 'T',
    default: `${DEFAULT_LOW_TEMPERATURE} when --temperature is above it`,
    description: 'a second T for the target, drawn and scored beside the first (equal to --temperature: none)',
  },
  samples: {
    type: 'integer',
    min: 1,
    max: 10000,
    default: SCORED_PER_CLASS,
    description: 'generated samples per class and set, each scored by the classifier',
  },
  show: {
    type: 'integer',
    min: 1,
    max: 64,
    default: '3 per set, 8 with --class',
    description: 'of those, samples drawn per class and set in the PNG',
  },
  seed: { type: 'integer', min: 0, default: 0, description: 'seed of the samples' },
} satisfies Record<string, FlagSpec>;

export const generateCommand: Command = {
  name: 'generate',
  summary:
    'sample embeddings per class, invert them in float32 and float64, and score whether the classifier reads them as that class',
  usage: 'invertscope generate <checkpoint> [options]',
  flags: FLAGS,
  arguments: [CHECKPOINT_ARGUMENT],
  examples: ['invertscope generate 20261130-0512-small-3f9a --class 3 --temperature 0.7 --out threes.png'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    // Before the work, which takes a while: a PNG that cannot be written is refused at once.
    if (flags.out !== undefined) await checkOutputFile(resolve(ctx.cwd, flags.out));
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const only = flags.class;
    const temperature = flags.temperature ?? FLAGS.temperature.default;
    const low = flags['low-temperature'] ?? Math.min(temperature, DEFAULT_LOW_TEMPERATURE);
    const scored = flags.samples ?? FLAGS.samples.default;
    const shown = Math.min(scored, flags.show ?? (only === undefined ? 3 : 8));
    const opened = await openCheckpoint(file);
    const { net, checkpoint, data } = opened;
    const classes = data.classes ?? DIGIT_CLASSES;
    // Data of its own (IDX files) has a classifier of its own; only the embedded digits' can be the wrong one.
    const classifierData = await classifierDataFor(opened.run?.record.config.data ?? null);
    const mismatch = classifierData.isDefault ? defaultClassifierWarning(classes) : null;
    for (const warning of [...opened.warnings, mismatch ?? []].flat()) ctx.stderr.write(`warning: ${warning}\n`);
    const n = net.width;
    const train = data.split.train;
    const report = await withInterrupt(ctx, async (signal) => {
      const progress = progressTracker(progressPrinter(ctx, 'stage'), signal);
      const { classifier, testAccuracy } = await defaultClassifier(
        classifierFolders(opened.run),
        CLASSIFIER_SETTINGS,
        progress.stage('classifier'),
        classifierData,
      );
      return generationReport(
        {
          net,
          factors: opened.factors,
          train,
          classifier,
          classifierTestAccuracy: testAccuracy,
          temperature,
          prior: opened.prior,
          extraTemperatures: low === temperature ? [] : [low],
          reference: nearestReference(train, n),
          samplesPerClass: scored,
          imagesPerClass: shown,
          embeddingImagesPerClass: 400,
          seed: flags.seed ?? FLAGS.seed.default,
          classNoun: classes.noun,
        },
        progress.stage('generation'),
      );
    });

    // The target at each temperature side by side (per precision), then the class Gaussians.
    const order = (set: GeneratedSet) =>
      (set.source === 'target' ? 0 : 1) * 4 +
      (set.precision === 'float32' ? 0 : 2) +
      (set.temperature === temperature ? 0 : 1);
    const sets = [...report.sets].sort((a, b) => order(a) - order(b));
    const epoch = checkpoint.training.epoch;
    const name = checkpointOutputStem(file, opened.run?.record.id ?? null, epoch);
    const out = resolve(ctx.cwd, flags.out ?? `${name}-generated${only === undefined ? '' : `-${only}`}.png`);
    const score = (s: GeneratedSet) => {
      const c = only === undefined ? null : s.perClass.find((p) => p.label === only);
      return c ? c.accuracy : s.accuracy;
    };
    const setName = (s: GeneratedSet) =>
      `${s.source === 'empirical' ? 'GAUSS' : s.prior === 'class' ? 'PRIOR' : 'TARGET'} ${s.precision === 'float32' ? 'F32' : 'F64'}${s.temperature === temperature ? '' : ` T=${s.temperature}`}`;
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    const head = `${net.architectureName} EPOCH ${epoch}  T=${temperature}${low === temperature ? '' : ` AND ${low}`}`;
    let spec: GridSpec;
    if (only !== undefined) {
      // One class: a row per set, its samples across.
      const name = labelName(only, classes).toUpperCase();
      spec = {
        title: `${classes.noun.toUpperCase()} ${name}  ${head}  READ AS ${name}: ${sets.map((s) => `${setName(s)} ${percent(score(s))}`).join('  ')}`,
        rows: sets.flatMap((set) => {
          const c = set.perClass.find((p) => p.label === only);
          return c
            ? [
                {
                  label: `${setName(set)} ${percent(c.accuracy)}`,
                  tiles: c.images.map((values) => ({ values, scale: 'pixel' as const })),
                },
              ]
            : [];
        }),
      };
    } else {
      // All classes: a row per class, a group of samples per set.
      const perSet = Math.min(shown, sets[0]?.perClass[0]?.images.length ?? 0);
      spec = {
        title: `GENERATED  ${head}  CLASSIFIER ${percent(report.classifierTestAccuracy)} ON ITS TEST IMAGES`,
        columnTitles: sets.flatMap((set) =>
          Array.from({ length: perSet }, (_, k) => (k === 0 ? `${setName(set)} ${percent(set.accuracy)}` : '')),
        ),
        rows: Array.from({ length: train.classes }, (_, label) => ({
          label: labelName(label, classes).toUpperCase(),
          tiles: sets.flatMap((set) => {
            const images = set.perClass.find((p) => p.label === label)?.images ?? [];
            return Array.from({ length: perSet }, (_, k) => ({
              values: images[k] ?? new Array<number>(n).fill(Number.NaN),
              scale: 'pixel' as const,
            }));
          }),
        })),
      };
    }
    const grid = renderGrid(spec);
    await writeFile(out, encodePng(grid.width, grid.height, grid.rgb));

    const labels = Array.from({ length: train.classes }, (_, label) => label).filter(
      (label) => only === undefined || label === only,
    );
    ctx.stdout.write(
      [
        `${net.architectureName}, epoch ${epoch} · T = ${temperature}${low === temperature ? '' : ` and ${low} (the target only)`} · the classifier reads ${percent(report.classifierTestAccuracy)} of its own test images right (chance ${percent(1 / train.classes)})`,
        `Share of samples the classifier reads as the intended ${classes.noun} (${sets[0]?.perClass[0]?.sampleCount ?? 0} samples per ${classes.noun} and set):`,
        table(
          [
            'SAMPLES',
            'INVERSE',
            'T',
            ...labels.map((label) => labelName(label, classes)),
            ...(labels.length > 1 ? ['ALL'] : []),
            'MEDIAN DIST',
          ],
          sets.map((s) => {
            const distances = s.perClass
              .filter((c) => labels.includes(c.label))
              .map((c) => c.medianNearestDistance)
              .sort((a, b) => a - b);
            return [
              sourceName(s),
              s.precision,
              String(s.temperature),
              ...labels.map((label) => {
                const c = s.perClass.find((p) => p.label === label);
                return c ? percent(c.accuracy) : '—';
              }),
              ...(labels.length > 1 ? [percent(score(s))] : []),
              formatNumber(distances[distances.length >> 1] ?? Number.NaN),
            ];
          }),
        ),
        'MEDIAN DIST: median Euclidean distance, in pixel values of [0, 1] over 784 pixels, from a sample (as displayed, clamped to [0, 1]) to its nearest real training image.',
        `Wrote ${relative(ctx.cwd, out) || out} (${grid.width}×${grid.height} px). ${opened.prior ? priorLine(opened.prior) : 'TARGET: z ~ N(2a, T²)'}; ` +
          "GAUSS: a control, z ~ the Gaussian of the class's training embeddings (it tests the data's own Gaussian, not the generator); " +
          'F32 / F64: inverted in float32 / float64. Red pixels are NaN or infinite.',
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};

function priorLine(prior: FlowPrior): string {
  if (prior.kind !== 'class') return 'TARGET: z ~ N(2a, T²)';
  if (hasFullCovariance(prior)) return "PRIOR: z ~ the flow's learned N(μa, T²Σa), a full covariance per class";
  const rank = priorRank(prior);
  return rank > 0
    ? `PRIOR: z ~ the flow's learned N(μa, T²(σa² + FaᵀFa)), rank ${rank} + diagonal`
    : "PRIOR: z ~ the flow's learned N(μa, T²σa²)";
}

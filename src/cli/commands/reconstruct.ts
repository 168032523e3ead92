import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { openCheckpoint, progressTracker, reconstruct, type ErrorStats } from '../../core/analysis';
import { balancedSelection } from '../../core/analysis/balancedSelection';
import { ROUND_TRIPS, ROUND_TRIP_IDS, type RoundTripId } from '../../core/analysis/trajectoryTypes';
import type { ReconstructionReport } from '../../core/analysis/types';
import { DIGIT_CLASSES, labelName } from '../../core/data/classNames';
import { subset } from '../../core/data/dataset';
import { renderGrid } from '../../core/image/imageGrid';
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
import { withInterrupt } from '../interrupt';
import { checkOutputFile } from '../../core/files/outputFile';
import { formatNumber, formatPercent } from '../../shared/formatNumber';

const FLAGS = {
  ...CHECKPOINT_FLAGS,
  out: {
    type: 'string',
    valueName: 'file.png',
    default: '<run>-epoch-NNNN-reconstruction.png in the current folder',
    description: 'the PNG to write',
  },
  'per-class': { type: 'integer', min: 1, max: 20, default: 1, description: 'example rows per class in the grid' },
  'test-images': {
    type: 'integer',
    min: 10,
    max: 100000,
    default: 500,
    description: 'test images the error statistics are computed on',
  },
} satisfies Record<string, FlagSpec>;

export const reconstructCommand: Command = {
  name: 'reconstruct',
  summary:
    'take test images through the three round trips (float32; float32 embedding, float64 inverse; float64) and draw them',
  usage: 'invertscope reconstruct <checkpoint> [options]',
  flags: FLAGS,
  arguments: [CHECKPOINT_ARGUMENT],
  examples: ['invertscope reconstruct 20261130-0512-small-3f9a --out reconstruction.png'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    // Before the work, which takes a while: a PNG that cannot be written is refused at once.
    if (flags.out !== undefined) await checkOutputFile(resolve(ctx.cwd, flags.out));
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const perClass = flags['per-class'] ?? FLAGS['per-class'].default;
    const count = flags['test-images'] ?? FLAGS['test-images'].default;
    const opened = await openCheckpoint(file);
    const { net, checkpoint, data } = opened;
    const test = subset(data.split.test, balancedSelection(data.split.test.labels, data.split.test.classes, count));
    const result = await withInterrupt(ctx, (signal) => {
      const progress = progressTracker(progressPrinter(ctx, 'stage'), signal);
      return reconstruct(net, opened.factors, test, perClass, progress.stage('reconstruction'));
    });
    const report = result.report;
    const epoch = checkpoint.training.epoch;
    const name = checkpointOutputStem(file, opened.run?.record.id ?? null, epoch);
    const out = resolve(ctx.cwd, flags.out ?? `${name}-reconstruction.png`);
    const classes = data.classes ?? DIGIT_CLASSES;
    const trips = roundTripsOf(report);
    const psnr = (s: ErrorStats) => `${formatNumber(s.psnr)} DB`;
    const grid = renderGrid({
      title: `${net.architectureName} EPOCH ${epoch}  MEAN PSNR: F32 ${psnr(trips.float32)}  MIXED ${psnr(trips.mixed)}  F64 ${psnr(trips.float64)}`,
      columnTitles: ['ORIGINAL', 'EMBEDDING', 'F32 TRIP', 'MIXED', 'F64 TRIP'],
      rows: report.examples.map((e) => ({
        label: labelName(e.label, classes).toUpperCase(),
        tiles: [
          { values: e.original, scale: 'pixel' },
          { values: e.embedding, scale: 'auto' },
          { values: e.float32, scale: 'pixel' },
          { values: e.float64, scale: 'pixel' },
          { values: e.float64RoundTrip ?? new Array<number>(net.width).fill(Number.NaN), scale: 'pixel' },
        ],
      })),
    });
    await writeFile(out, encodePng(grid.width, grid.height, grid.rgb));
    const stats = (s: ErrorStats) => [
      formatNumber(s.meanAbsError),
      formatNumber(s.maxAbsError),
      formatNumber(s.psnr),
      formatPercent(s.brokenFraction),
    ];
    ctx.stdout.write(
      [
        `${net.architectureName}, epoch ${epoch} · ${report.imageCount} test images · ${data.description}`,
        table(
          ['ROUND TRIP', 'MEAN |ERR|', 'MAX |ERR|', 'MEAN PSNR DB', `BROKEN (MAE > ${report.brokenThreshold})`],
          ROUND_TRIP_IDS.map((id) => [ROUND_TRIPS[id].label, ...stats(trips[id])]),
        ),
        '|ERR|: absolute pixel error, pixels in [0, 1]; PSNR in dB against a peak of 1, mean over images.',
        `Wrote ${relative(ctx.cwd, out) || out} (${grid.width}×${grid.height} px): rows of original | float32 embedding (scaled to its own range) | ` +
          'F32 TRIP: float32 forward and inverse | MIXED: the float32 embedding inverted in float64 | F64 TRIP: float64 forward and inverse; red pixels are NaN or infinite.',
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};

/** Each round trip's figures: `roundTrips`, or the two that `overall` holds. */
function roundTripsOf(report: ReconstructionReport): Record<RoundTripId, ErrorStats> {
  const nothing: ErrorStats = {
    meanAbsError: Number.NaN,
    maxAbsError: Number.NaN,
    psnr: Number.NaN,
    brokenFraction: Number.NaN,
  };
  return report.roundTrips ?? { float32: report.overall.float32, mixed: report.overall.float64, float64: nothing };
}

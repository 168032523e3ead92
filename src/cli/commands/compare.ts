import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { analyzeCheckpoint, checkpointRun, type CheckpointAnalysis, type CheckpointRun } from '../../core/analysis';
import { encodePng } from '../../core/image/png';
import { readCheckpointMetadata } from '../../core/store/checkpoint';
import { DIGIT_CLASSES } from '../../core/data/classNames';
import { prettyJson } from '../../core/store/jsonText';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec, type FlagValues } from '../args';
import { compareFigure } from '../compareFigure';
import { compareRows, comparisonJson, type ComparedCheckpoint } from '../compareRows';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table, wrapText } from '../format';
import { ANALYSIS_OPTION_FLAGS, analysisOptionsFromFlags } from '../analysisFlags';
import { progressPrinter } from '../analysisProgress';
import { resolveCheckpointArgument } from '../checkpointArgument';
import { withInterrupt } from '../interrupt';
import { checkOutputFile } from '../../core/files/outputFile';
import { formatNumber } from '../../shared/formatNumber';
import { encodeJson } from '../../shared/jsonNumbers';

/** The table and notes fit a terminal of this many columns (or a narrower one that says its width). */
const COMPARE_WIDTH = 120;

const FLAGS = {
  runs: { ...RUNS_FLAG, description: 'the runs folder run ids are looked up in' },
  out: {
    type: 'string',
    valueName: 'file.png',
    default: 'compare.png in the current folder',
    description: 'the PNG to write',
  },
  json: {
    type: 'boolean',
    description: "print the comparison as JSON (each checkpoint's configuration and figures, not the whole analyses)",
  },
  ...ANALYSIS_OPTION_FLAGS,
} satisfies Record<string, FlagSpec>;

export const compareCommand: Command = {
  name: 'compare',
  summary:
    "put two checkpoints side by side (e.g. the paper's loss against a flow): a two-column table and one PNG of reconstructions and samples",
  usage: 'invertscope compare <checkpointA> <checkpointB> [options]',
  flags: FLAGS,
  arguments: [
    [
      '<checkpointA> <checkpointB>',
      'each a .safetensors checkpoint file, a run (an id, a unique prefix of one, or a run folder: its latest checkpoint), or <run>@<epoch>',
    ],
  ],
  examples: ['invertscope compare 20261130-0512-small-3f9a 20261130-0540-base-77c1@0 --out compare.png'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    // Before the work, which takes a while: a PNG that cannot be written is refused at once.
    if (flags.out !== undefined) await checkOutputFile(resolve(ctx.cwd, flags.out));
    if (positionals.length !== 2)
      throw new UsageError(`compare needs exactly two checkpoints, got ${positionals.length}`);
    const files = [];
    for (const ref of positionals) files.push(await checkpointFile(ref, flags, ctx));
    const options = analysisOptionsFromFlags(flags);
    const compared: ComparedCheckpoint[] = [];
    for (const [k, file] of files.entries()) {
      ctx.stderr.write(`${k === 0 ? 'A' : 'B'}: ${relative(ctx.cwd, file) || file}\n`);
      const result = await withInterrupt(ctx, (signal) =>
        analyzeCheckpoint(
          { checkpoint: file, options, reuseCache: flags.recompute !== true },
          { signal, onProgress: progressPrinter(ctx) },
        ),
      );
      for (const warning of result.warnings) ctx.stderr.write(`warning: ${warning}\n`);
      compared.push(await describe(file, result.analysis, ctx));
    }

    const out = resolve(ctx.cwd, flags.out ?? 'compare.png');
    const figure = compareFigure(
      compared.map((c, k) => ({ title: figureTitle(k === 0 ? 'A' : 'B', c), analysis: c.analysis })),
    );
    await writeFile(out, encodePng(figure.width, figure.height, figure.rgb));
    const shownOut = relative(ctx.cwd, out) || out;
    if (flags.json) {
      ctx.stdout.write(prettyJson(JSON.parse(encodeJson({ ...comparisonJson(compared), png: out }))));
      return EXIT.ok;
    }
    const [a, b] = compared;
    ctx.stdout.write(
      `${table(['', `A: ${a.label}`, `B: ${b.label}`], compareRows(a, b), { maxWidth: Math.min(COMPARE_WIDTH, ctx.stdout.columns ?? COMPARE_WIDTH) })}\n`,
    );
    const noun = (a.analysis.classes ?? DIGIT_CLASSES).noun;
    const note =
      `Wrote ${shownOut} (${figure.width}×${figure.height} px): A left, B right; per ${noun} a test image, its float32 round trip (F32) ` +
      `and its float32 embedding inverted in float64 (MIXED), then samples of each model's own target at every temperature through the float64 inverse (percent: read as the intended ${noun}). ` +
      'Red pixels are NaN or infinite.';
    ctx.stdout.write(`\n${wrapText(note, Math.min(COMPARE_WIDTH, ctx.stdout.columns ?? COMPARE_WIDTH)).join('\n')}\n`);
    return EXIT.ok;
  },
};

/** A .safetensors path, a run (its latest checkpoint), or `<run>@<epoch>`. */
async function checkpointFile(ref: string, flags: FlagValues, ctx: CliContext): Promise<string> {
  const at = /^(.+)@(\d+)$/.exec(ref);
  if (at && !/\.safetensors$/i.test(ref))
    return resolveCheckpointArgument([at[1]], { ...flags, epoch: Number(at[2]) }, ctx);
  return resolveCheckpointArgument([ref], { ...flags, epoch: undefined }, ctx);
}

async function describe(file: string, analysis: CheckpointAnalysis, ctx: CliContext): Promise<ComparedCheckpoint> {
  // The analysis has already read the parameters; the rows need only what the header says.
  const { architecture, training } = await readCheckpointMetadata(file);
  const run: CheckpointRun | null = await checkpointRun(file);
  const label = run ? `${run.record.id} @ ${training.epoch}` : relative(ctx.cwd, file) || file;
  return { file: relative(ctx.cwd, file) || file, label, architecture, training, run: run?.record ?? null, analysis };
}

function figureTitle(side: string, c: ComparedCheckpoint): string {
  const objective =
    c.training.objective === 'seed'
      ? 'PAPER LOSS'
      : `FLOW ${c.run?.config.flow?.prior === 'class' || c.analysis.density?.prior === 'class' ? 'CLASS PRIOR' : 'PAPER TARGET'}`;
  const bits = c.analysis.density ? `  ${formatNumber(c.analysis.density.testBitsPerDim)} BITS/DIM` : '';
  return `${side}: ${c.architecture.name} ${objective} EPOCH ${c.training.epoch}${bits}`;
}

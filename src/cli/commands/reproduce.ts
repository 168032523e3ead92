import { relative, resolve } from 'node:path';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import { DEFAULT_SPLIT_COUNTS } from '../../core/data/stratifiedSplit';
import type { DataSpec } from '../../core/data/dataset';
import { DEFAULT_REPRODUCE_MODELS, reproducePlan, type ReproducePlan } from '../../core/reproduce/plan';
import { reproduce } from '../../core/reproduce/reproduce';
import { RECIPE_NAMES, type RecipeName } from '../../core/train/recipes';
import { parseArgs, UsageError, type FlagSpec, type FlagValues } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { cliAnalysisSetup } from '../reproduce/analysisSetup';
import { printReport } from '../reproduce/printReport';
import { processTrainer } from '../reproduce/processTrainer';
import { progressPrinter } from '../reproduce/progressLine';

const FLAGS = {
  paper: {
    type: 'boolean',
    description:
      "the paper's own schedule: its three models to 500 epochs with checkpoints at 10, 50, 100 and 500 (the flows keep their recipes: 15 and 0 epochs)",
  },
  models: {
    type: 'list',
    valueName: 'names',
    default: DEFAULT_REPRODUCE_MODELS.join(','),
    description: `which of ${RECIPE_NAMES.join(', ')} to train and analyse`,
  },
  epochs: {
    type: 'integer',
    min: 1,
    valueName: 'n',
    default: "the schedule's (Base and NoAct 30, Small 100, the Base-shaped flow 15, the best flow 0)",
    description: 'train no model past this epoch; its checkpoints past it are dropped',
  },
  out: {
    type: 'string',
    valueName: 'folder',
    default: './reproduction',
    description:
      'the reproduction folder it writes: runs in <out>/runs, the report in <out>/report; a rerun with the same folder continues',
  },
  'no-figures': {
    type: 'boolean',
    description: "skip rendering the report's PNG and SVG figures (they need playwright-core and a Chromium)",
  },
  'train-count': {
    type: 'integer',
    min: 10,
    default: DEFAULT_SPLIT_COUNTS.trainCount,
    description: 'embedded digits: images in the training split (fewer for a quick trial)',
  },
  'test-count': {
    type: 'integer',
    min: 10,
    default: DEFAULT_SPLIT_COUNTS.testCount,
    description: 'embedded digits: images in the test split',
  },
  json: { type: 'boolean', description: 'print progress as JSON lines on stdout, then where the report is' },
} satisfies Record<string, FlagSpec>;

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "train the paper's models and the flows, analyse every checkpoint, write a report and print the findings",
  usage: 'invertscope reproduce [options]',
  flags: FLAGS,
  examples: [
    'invertscope reproduce',
    'invertscope reproduce --models small,base --epochs 10',
    'invertscope reproduce --paper --out paper-schedule',
  ],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`reproduce takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const plan = planFromFlags(flags);
    const out = resolve(ctx.cwd, flags.out ?? 'reproduction');
    const json = flags.json === true;
    const shown = relative(ctx.cwd, out) || '.';
    if (!json) {
      ctx.stderr.write(
        `Invertscope · reproducing the paper (${plan.schedule} schedule): ${plan.runs.map((r) => `${r.label} ${r.config.epochs} epochs`).join(', ')} → ${shown}\n`,
      );
      ctx.stderr.write('Ctrl-C stops after the current step; running this again continues where it stopped.\n');
    }
    const controller = new AbortController();
    const trainer = processTrainer((text) => ctx.stderr.write(text));
    let interrupts = 0;
    const removeInterrupt = ctx.onInterrupt(() => {
      interrupts += 1;
      if (interrupts === 1) {
        if (!json) ctx.stderr.write('\nStopping after the current step (Ctrl-C again to stop at once)…\n');
        controller.abort();
      } else {
        trainer.kill();
      }
    });
    const printer = progressPrinter(ctx);
    try {
      const result = await reproduce({
        plan,
        outFolder: out,
        trainer,
        analysis: cliAnalysisSetup(),
        signal: controller.signal,
        figures: flags['no-figures'] !== true,
        onEvent: (event) => (json ? ctx.stdout.write(`${JSON.stringify(event)}\n`) : printer.onEvent(event)),
      });
      printer.done();
      if (result.status === 'cancelled') {
        if (!json)
          ctx.stderr.write(
            `Stopped. Runs and analyses so far are in ${shown}/runs; run the same command again to continue.\n`,
          );
        return EXIT.cancelled;
      }
      if (json)
        ctx.stdout.write(
          `${JSON.stringify({ type: 'report', folder: result.report.folder, findings: result.report.findingsFile })}\n`,
        );
      else printReport(ctx, result.data, result.report);
      return EXIT.ok;
    } finally {
      printer.done();
      removeInterrupt();
    }
  },
};

function planFromFlags(flags: FlagValues): ReproducePlan {
  const models = flags.models as string[] | undefined;
  for (const m of models ?? []) {
    if (!(RECIPE_NAMES as readonly string[]).includes(m))
      throw new UsageError(`invalid --models: ${JSON.stringify(m)} (expected some of ${RECIPE_NAMES.join(', ')})`);
  }
  const trainCount = flags['train-count'] as number | undefined;
  const testCount = flags['test-count'] as number | undefined;
  const data: DataSpec | undefined =
    trainCount === undefined && testCount === undefined
      ? undefined
      : {
          ...DEFAULT_DATA_SPEC,
          ...(trainCount !== undefined ? { trainCount } : {}),
          ...(testCount !== undefined ? { testCount } : {}),
        };
  return reproducePlan({
    schedule: flags.paper ? 'paper' : 'default',
    ...(models ? { models: models as RecipeName[] } : {}),
    ...(flags.epochs !== undefined ? { maxEpochs: flags.epochs as number } : {}),
    ...(data ? { data } : {}),
  });
}

import { resolve } from 'node:path';
import { analyseRun } from '../../core/reproduce/analyseRun';
import { buildReport } from '../../core/reproduce/buildReport';
import { writeReport } from '../../core/reproduce/writeReport';
import { isInvertscopeError } from '../../core/errors';
import { RunStore } from '../../core/store/runStore';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { cliAnalysisSetup } from '../reproduce/analysisSetup';
import { printReport } from '../reproduce/printReport';
import { ProgressBar } from '../progressBar';
import { makeFolder } from '../../core/files/makeFolder';
import { resolveRun } from '../../core/store/resolveRun';

const FLAGS = {
  runs: { ...RUNS_FLAG, description: 'the runs folder run ids are looked up in' },
  out: {
    type: 'string',
    valueName: 'folder',
    default: './report',
    description: 'the report folder to write: index.html, findings.json and figures/',
  },
  'no-figures': {
    type: 'boolean',
    description: 'skip rendering the PNG and SVG figures (they need playwright-core and a Chromium)',
  },
  json: { type: 'boolean', description: 'print the report folder and findings.json path as one JSON line' },
} satisfies Record<string, FlagSpec>;

export const reportCommand: Command = {
  name: 'report',
  summary:
    'write a report (index.html, findings.json, figures) of runs you have: every checkpoint analysed, the first and last in full',
  usage: 'invertscope report <run>… [options]',
  flags: FLAGS,
  arguments: [['<run>…', 'one or more runs: an id, a unique prefix of one, or a run folder']],
  examples: ['invertscope report 20260121-0900-base-3f9a', 'invertscope report base small --out small-vs-base'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length === 0)
      throw new UsageError('report needs one or more runs (an id, a unique prefix, or a run folder)');
    const base = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    const runs = await Promise.all(positionals.map((ref) => resolveRun(base, ref, { cwd: ctx.cwd })));
    const out = resolve(ctx.cwd, flags.out ?? 'report');
    // Before the analyses, which take minutes: a report folder that cannot exist fails at once.
    await makeFolder(out);
    const controller = new AbortController();
    const removeInterrupt = ctx.onInterrupt(() => controller.abort());
    const bar = new ProgressBar(ctx.stderr);
    const setup = cliAnalysisSetup();
    try {
      const analysed = [];
      for (const { store, id } of runs) {
        const record = await store.readRun(id);
        const epochs = record.checkpoints.map((c) => c.epoch).sort((a, b) => a - b);
        const full = [...new Set([epochs[0], epochs[epochs.length - 1]])].filter((e) => e !== undefined);
        bar.log(`${id}: ${epochs.length} checkpoints`);
        analysed.push(
          await analyseRun(store, id, full, setup, {
            signal: controller.signal,
            onStep: (step, fraction, message) =>
              bar.update(fraction, `${id} · ${step.kind} analysis of epoch ${step.epoch}: ${message}`),
            onStepDone: () => undefined,
          }),
        );
      }
      bar.done();
      const labels = analysed.map(
        (a) => `${a.record.config.architecture.name}${a.record.config.objective === 'flow' ? ' (flow)' : ''}`,
      );
      const data = buildReport({
        title: `Invertscope report: ${labels.join(', ')}`,
        schedule: 'runs',
        models: analysed.map((run, i) => ({
          key: run.record.id,
          label: labels.filter((l) => l === labels[i]).length > 1 ? `${labels[i]} · ${run.record.id}` : labels[i],
          run,
        })),
        timing: null,
      });
      const written = await writeReport(out, data, { figures: flags['no-figures'] !== true });
      if (flags.json)
        ctx.stdout.write(`${JSON.stringify({ folder: written.folder, findings: written.findingsFile })}\n`);
      else printReport(ctx, data, written);
      return EXIT.ok;
    } catch (error) {
      if (isInvertscopeError(error, 'CANCELLED')) {
        bar.done();
        ctx.stderr.write('Stopped; analyses finished so far are cached next to their checkpoints.\n');
        return EXIT.cancelled;
      }
      throw error;
    } finally {
      removeInterrupt();
    }
  },
};

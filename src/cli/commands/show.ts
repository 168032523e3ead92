import { join, relative, resolve } from 'node:path';
import { describeArchitecture } from '../../core/model/architecture';
import { RunStore } from '../../core/store/runStore';
import { lossPartNames } from '../../core/train/config';
import { bitsPerDim } from '../../core/train/flow/bitsPerDim';
import { describeFlowOptions } from '../describeConfig';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { OUT_IS_NOW_RUNS } from './train';
import { resolveRun } from '../../core/store/resolveRun';
import { EPOCH_DIGITS, formatCount, formatDuration, formatNumber } from '../../shared/formatNumber';

const FLAGS = {
  runs: RUNS_FLAG,
  json: { type: 'boolean', description: 'print run.json and the epoch metrics as JSON' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const showCommand: Command = {
  name: 'show',
  summary: 'show one run: configuration, status, checkpoints, last metrics',
  usage: 'invertscope show <run> [options]',
  flags: FLAGS,
  arguments: [['<run>', 'a run id, a unique prefix of one (looked up in --runs), or a run folder']],
  examples: ['invertscope show 2026', 'invertscope show runs/20261130-0512-small-3f9a --json'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length !== 1)
      throw new UsageError('show needs exactly one run (an id, a unique prefix, or a run folder)');
    const base = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    const { store, id, folder } = await resolveRun(base, positionals[0], { cwd: ctx.cwd });
    const run = await store.readRun(id);
    const metrics = await store.readMetrics(id);
    const epochs = metrics.records.filter((r) => r.type === 'epoch');
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify({ run, epochs }, null, 2)}\n`);
      return EXIT.ok;
    }
    const c = run.config;
    const lines = [
      `run       ${run.id}  (${relative(ctx.cwd, folder) || folder})`,
      `status    ${run.status}${run.error ? `: ${run.error.message}` : ''}`,
      `model     ${describeArchitecture(c.architecture)}`,
      `objective ${c.objective}${c.flow ? `: ${describeFlowOptions(c)}` : c.dequantize ? ', dequantized' : ''}`,
      `training  ${run.epochsCompleted}/${c.epochs} epochs · batch ${c.batchSize} · Adam lr ${c.learningRate} · seed ${c.seed}`,
      `data      ${run.data.description}: ${formatCount(run.data.trainCount)} train / ${formatCount(run.data.testCount)} test`,
      `backend   ${run.backend?.description ?? '—'}`,
      `time      ${formatDuration(run.timings.trainSeconds)} training${run.timings.initSeconds === undefined ? '' : ` · ${formatDuration(run.timings.initSeconds)} initializing`} · started ${run.timings.startedAt}`,
    ];
    if (run.importedFrom) lines.push(`imported  ${run.importedFrom}`);
    ctx.stdout.write(`${lines.join('\n')}\n`);
    // A flow on dequantized pixels measures its losses in nats of [0, 1]^784: bits/dim reads them on one scale.
    const bits = c.objective === 'flow' && c.dequantize;
    if (run.checkpoints.length > 0) {
      ctx.stdout.write(
        `\n${table(
          ['EPOCH', 'TRAIN LOSS (NATS)', 'TEST LOSS (NATS)', ...(bits ? ['TEST BITS/DIM'] : []), 'FILE'],
          run.checkpoints.map((k) => [
            String(k.epoch),
            formatNumber(k.trainLoss, EPOCH_DIGITS),
            formatNumber(k.testLoss, EPOCH_DIGITS),
            ...(bits ? [formatNumber(bitsPerDim(k.testLoss, c.architecture.width), EPOCH_DIGITS)] : []),
            relative(ctx.cwd, join(folder, k.file)),
          ]),
        )}\n`,
      );
    }
    if (epochs.length > 0) {
      const shown = epochs.slice(-10);
      const [p1, p2] = lossPartNames(c.objective).map((n) => n.toUpperCase());
      ctx.stdout.write(
        `\n${table(
          ['EPOCH', 'TRAIN LOSS (NATS)', p1, p2, 'TEST LOSS (NATS)', ...(bits ? ['TEST BITS/DIM'] : []), 'SAMPLES/S'],
          shown.map((m) =>
            m.type === 'epoch'
              ? [
                  String(m.epoch),
                  formatNumber(m.trainLoss, EPOCH_DIGITS),
                  formatNumber(m.trainParts[0], EPOCH_DIGITS),
                  formatNumber(m.trainParts[1], EPOCH_DIGITS),
                  formatNumber(m.testLoss, EPOCH_DIGITS),
                  ...(bits
                    ? [m.testBitsPerDim === undefined ? '—' : formatNumber(m.testBitsPerDim, EPOCH_DIGITS)]
                    : []),
                  Number.isFinite(m.samplesPerSecond) ? formatCount(m.samplesPerSecond) : '—',
                ]
              : [],
          ),
        )}\n`,
      );
    }
    if (metrics.badLines.length > 0)
      ctx.stderr.write(
        `warning: metrics.jsonl has ${metrics.badLines.length} unreadable line(s), first at line ${metrics.badLines[0].line}\n`,
      );
    return EXIT.ok;
  },
};

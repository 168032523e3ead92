import { resolve } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import { commandLine, runsArgs } from '../commandLine';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { OUT_IS_NOW_RUNS } from './train';
import { reconcileStaleRuns } from '../../core/store/staleRuns';
import { formatNumber } from '../../shared/formatNumber';

const FLAGS = {
  runs: RUNS_FLAG,
  json: { type: 'boolean', description: 'print the runs (each run.json, or the error of a damaged run) as JSON' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list the runs in a runs folder',
  usage: 'invertscope runs [options]',
  flags: FLAGS,
  examples: ['invertscope runs', 'invertscope runs --runs fashion-runs --json'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`runs takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const store = new RunStore(resolve(ctx.cwd, flags.runs ?? 'runs'));
    await reconcileStaleRuns(store).catch(() => undefined);
    const entries = await store.listRuns();
    if (flags.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          entries.map((e) =>
            e.kind === 'run'
              ? { id: e.id, folder: e.folder, run: e.record }
              : { id: e.id, folder: e.folder, error: e.error.message },
          ),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    if (entries.length === 0) {
      ctx.stdout.write(
        `No runs in ${store.root}. Start one with: ${commandLine(['train', '--model', 'small', '--epochs', '2', ...runsArgs(store.root, ctx.cwd)])}\n`,
      );
      return EXIT.ok;
    }
    const rows = entries.map((e) => {
      if (e.kind === 'damaged') return [e.id, '—', 'damaged', '—', '—', '—', e.error.message.slice(0, 60), '—'];
      const r = e.record;
      const last = r.checkpoints[r.checkpoints.length - 1];
      return [
        r.id,
        r.config.architecture.name,
        r.status,
        `${r.epochsCompleted}/${r.config.epochs}`,
        last ? formatNumber(last.testLoss) : '—',
        r.backend?.name ?? '—',
        r.createdAt.replace('T', ' ').slice(0, 16),
        r.config.flow ? `flow, ${r.config.flow.prior} prior` : r.config.objective,
      ];
    });
    ctx.stdout.write(
      `${table(['RUN', 'MODEL', 'STATUS', 'EPOCHS', 'TEST LOSS (NATS)', 'BACKEND', 'CREATED (UTC)', 'OBJECTIVE'], rows)}\n`,
    );
    return EXIT.ok;
  },
};

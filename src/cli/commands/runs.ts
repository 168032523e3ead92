import { resolve } from 'node:path';
import { RunStore } from '../../core/store/runStore';
import { parseArgs, UsageError } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { fmtNumber, table } from '../format';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list the runs in a runs folder',
  usage: 'invertscope runs [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, {
      out: { type: 'string', description: 'runs folder (default ./runs)' },
      json: { type: 'boolean', description: 'print the runs as JSON' },
    });
    if (positionals.length > 0) throw new UsageError(`runs takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const store = new RunStore(resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs'));
    await store.reconcileStaleRuns().catch(() => undefined);
    const entries = await store.listRuns();
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(entries.map((e) => (e.kind === 'run' ? { id: e.id, folder: e.folder, run: e.record } : { id: e.id, folder: e.folder, error: e.error.message })), null, 2)}\n`);
      return EXIT.ok;
    }
    if (entries.length === 0) {
      ctx.stdout.write(`No runs in ${store.root}. Start one with: invertscope train --model small --epochs 2\n`);
      return EXIT.ok;
    }
    const rows = entries.map((e) => {
      if (e.kind === 'damaged') return [e.id, '—', 'damaged', '—', '—', '—', e.error.message.slice(0, 60), '—'];
      const r = e.record;
      const last = r.checkpoints[r.checkpoints.length - 1];
      return [
        r.id, r.config.architecture.name, r.status, `${r.epochsCompleted}/${r.config.epochs}`,
        last ? fmtNumber(last.testLoss) : '—', r.backend?.name ?? '—', r.createdAt.replace('T', ' ').slice(0, 16),
        r.config.flow ? `flow, ${r.config.flow.prior} prior` : r.config.objective,
      ];
    });
    ctx.stdout.write(`${table(['RUN', 'MODEL', 'STATUS', 'EPOCHS', 'TEST LOSS', 'BACKEND', 'CREATED (UTC)', 'OBJECTIVE'], rows)}\n`);
    return EXIT.ok;
  },
};

// The README's training-throughput table, regenerated from a bench record:
//
//   node out/bench/readmeTable.js bench-results/bench-<time>.json
//
// One row per objective, model and batch: each side's best of the rounds at its best
// thread count (the median of the rounds at that thread count in brackets), their ratio,
// and the tfjs backends measured on the same work.
import { readFileSync } from 'node:fs';
import { fmtInteger } from '../src/cli/format';
import { bestThreadCounts, type ConfigReport } from './trainThroughput';

interface TfjsRow {
  readonly backend: string;
  readonly model?: string;
  readonly batch?: number;
  readonly samplesPerSecond: number | null;
}

interface BenchRecord {
  readonly training: readonly ConfigReport[];
  readonly tfjs?: readonly TfjsRow[];
  readonly tfjsFlow?: readonly TfjsRow[];
  readonly loadAverage?: { readonly start: readonly number[]; readonly end: readonly number[] };
}

const MODEL_NAMES: Record<string, string> = { base: 'Base', small: 'Small', noact: 'NoAct' };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const threadsText = (threads: number) => `${threads} thread${threads === 1 ? '' : 's'}`;

/** The markdown table of a bench record's training rows. */
export function readmeTable(record: BenchRecord): string {
  const lines = [
    '| objective, model, batch | Invertscope `simd`, its best thread count | PyTorch, its best thread count | ratio | tfjs `wasm` | tfjs `cpu` |',
    '|---|---|---|---|---|---|',
  ];
  for (const best of bestThreadCounts(record.training)) {
    const at = (threads: number) => record.training.find((r) => r.objective === best.objective && r.model === best.model && r.batch === best.batch && r.threads === threads);
    const simdMedian = median(at(best.simd.threads)?.simd ?? []);
    const torchMedian = median(at(best.pytorch.threads)?.pytorch ?? []);
    const tfjs = (backend: string) => {
      const rows = best.objective === 'flow' ? record.tfjsFlow ?? [] : (record.tfjs ?? []).filter((r) => r.model === best.model && r.batch === best.batch);
      const value = rows.find((r) => r.backend === backend)?.samplesPerSecond;
      return typeof value === 'number' ? fmtInteger(value) : '–';
    };
    const name = `${best.objective === 'flow' ? 'flow' : 'paper\'s loss'}, ${MODEL_NAMES[best.model] ?? best.model}${best.objective === 'flow' ? '-shaped' : ''}, ${best.batch}`;
    lines.push(`| ${name} | ${fmtInteger(best.simd.value)} (${fmtInteger(simdMedian)}), ${threadsText(best.simd.threads)} | ` +
      `${fmtInteger(best.pytorch.value)} (${fmtInteger(torchMedian)}), ${threadsText(best.pytorch.threads)} | ` +
      `${(best.simd.value / best.pytorch.value).toFixed(2)} (${(simdMedian / torchMedian).toFixed(2)}) | ${tfjs('wasm')} | ${tfjs('cpu')} |`);
  }
  if (record.loadAverage) {
    lines.push('', `Load average (1, 5, 15 min) at the start ${record.loadAverage.start.map((l) => l.toFixed(2)).join(', ')}, at the end ${record.loadAverage.end.map((l) => l.toFixed(2)).join(', ')}.`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node out/bench/readmeTable.js <bench record .json>');
    process.exitCode = 2;
  } else {
    console.log(readmeTable(JSON.parse(readFileSync(file, 'utf8')) as BenchRecord));
  }
}

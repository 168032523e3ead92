// The README's training-throughput and analysis tables, regenerated from a bench record:
//
//   node out/bench/readmeTable.js bench-results/bench-<time>.json
//
// One row per objective, model and batch: each side's best of the rounds at its best
// thread count (the median of the rounds at that thread count in brackets), their ratio,
// and the tfjs backends measured on the same work.
import { readFileSync } from 'node:fs';
import { formatCount } from '../src/shared/formatNumber';
import { answerHelpOrUnknownFlags } from './benchUsage';
import { bestThreadCounts, type ConfigReport } from './trainThroughput';

interface TfjsRow {
  readonly backend: string;
  readonly model?: string;
  readonly batch?: number;
  readonly samplesPerSecond: number | null;
}

/** One kind of analysis in bench/analysis.ts's record: ours and the reference at each thread count, seconds. */
interface AnalysisKind {
  readonly seconds: number;
  readonly rounds: readonly number[];
  readonly target: number;
  readonly ratio: number | null;
  readonly reference: ReadonlyArray<{ readonly threads: number; readonly seconds: number }>;
  readonly firstResultsSeconds?: number;
  /** The light analysis's spectra, Jacobian and round-trip stages alone: their medians summed, each side. */
  /** oursRounds present: ours is a light analysis without noise and generation, end to end; absent (older records): the sum of ours's stage medians. */
  readonly core?: { readonly ours: number; readonly reference: number; readonly oursRounds?: readonly number[] };
}

export interface AnalysisRecord {
  readonly threads: number;
  readonly loadAverage: readonly number[];
  readonly full: AnalysisKind;
  readonly light: AnalysisKind;
  readonly cachedOpen?: { readonly seconds: number };
}

interface BenchRecord {
  readonly training: readonly ConfigReport[];
  readonly analysis?: AnalysisRecord;
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
    const at = (threads: number) =>
      record.training.find(
        (r) =>
          r.objective === best.objective && r.model === best.model && r.batch === best.batch && r.threads === threads,
      );
    const simdMedian = median(at(best.simd.threads)?.simd ?? []);
    const torchMedian = median(at(best.pytorch.threads)?.pytorch ?? []);
    const tfjs = (backend: string) => {
      const rows =
        best.objective === 'flow'
          ? (record.tfjsFlow ?? [])
          : (record.tfjs ?? []).filter((r) => r.model === best.model && r.batch === best.batch);
      const value = rows.find((r) => r.backend === backend)?.samplesPerSecond;
      return typeof value === 'number' ? formatCount(value) : '–';
    };
    const name = `${best.objective === 'flow' ? 'flow' : "paper's loss"}, ${MODEL_NAMES[best.model] ?? best.model}${best.objective === 'flow' ? '-shaped' : ''}, ${best.batch}`;
    lines.push(
      `| ${name} | ${formatCount(best.simd.value)} (${formatCount(simdMedian)}), ${threadsText(best.simd.threads)} | ` +
        `${formatCount(best.pytorch.value)} (${formatCount(torchMedian)}), ${threadsText(best.pytorch.threads)} | ` +
        `${(best.simd.value / best.pytorch.value).toFixed(2)} (${(simdMedian / torchMedian).toFixed(2)}) | ${tfjs('wasm')} | ${tfjs('cpu')} |`,
    );
  }
  if (record.loadAverage) {
    lines.push(
      '',
      `Load average (1, 5, 15 min) at the start ${record.loadAverage.start.map((l) => l.toFixed(2)).join(', ')}, at the end ${record.loadAverage.end.map((l) => l.toFixed(2)).join(', ')}.`,
    );
  }
  return lines.join('\n');
}

/** The markdown table of a bench record's analysis timings: ours, the reference at its faster thread count, the ratio, the target. */
export function analysisTable(record: AnalysisRecord): string {
  const row = (name: string, kind: AnalysisKind, target: string) => {
    const ref = [...kind.reference].sort((a, b) => a.seconds - b.seconds)[0];
    return (
      `| ${name} | ${kind.seconds.toFixed(2)} s, ${threadsText(record.threads)} | ` +
      `${ref ? `${ref.seconds.toFixed(2)} s, ${threadsText(ref.threads)}` : '–'} | ${kind.ratio === null ? '–' : kind.ratio.toFixed(2)} | ${target} |`
    );
  };
  const lines = [
    '| Base checkpoint | Invertscope, end to end | PyTorch/numpy, from memory | ratio | target |',
    '|---|---|---|---|---|',
    row('full analysis', record.full, `≤ ${record.full.target} s and ≤ 1.0×`),
    row('light analysis', record.light, `≤ ${record.light.target} s`),
  ];
  const core = record.light.core;
  if (core)
    lines.push(
      core.oursRounds
        ? `| light analysis: spectra, Jacobian and round trips alone | ${core.ours.toFixed(2)} s (without noise and generation) | ` +
            `${core.reference.toFixed(2)} s (sum of those stages' medians) | ${(core.ours / core.reference).toFixed(2)} | ≤ ${record.light.target} s |`
        : `| light analysis: spectra, Jacobian and round trips alone (sum of their stage medians) | ${core.ours.toFixed(2)} s | ` +
            `${core.reference.toFixed(2)} s | ${(core.ours / core.reference).toFixed(2)} | ≤ ${record.light.target} s |`,
    );
  const notes: string[] = [];
  if (record.full.firstResultsSeconds !== undefined)
    notes.push(
      `the full analysis's first results (spectra and κ) after ${record.full.firstResultsSeconds.toFixed(2)} s`,
    );
  if (record.cachedOpen) notes.push(`a cached analysis opens in ${record.cachedOpen.seconds.toFixed(2)} s`);
  lines.push(
    '',
    `Medians of ${record.full.rounds.length} rounds; ${notes.length > 0 ? `${notes.join('; ')}; ` : ''}` +
      `load average (1, 5, 15 min) ${record.loadAverage.map((l) => l.toFixed(2)).join(', ')} at the end.`,
  );
  return lines.join('\n');
}

const USAGE = `
The README's training-throughput and analysis tables (markdown), from one record of npm run bench.

  node out/bench/readmeTable.js bench-results/bench-<time>.json
`;

if (require.main === module) {
  answerHelpOrUnknownFlags(USAGE, []);
  const file = process.argv[2];
  if (!file) {
    console.error(USAGE.trim());
    process.exitCode = 2;
  } else {
    const record = JSON.parse(readFileSync(file, 'utf8')) as BenchRecord;
    console.log(readmeTable(record));
    if (record.analysis) console.log(`\n${analysisTable(record.analysis)}`);
  }
}

import { isConditionBound } from '../core/analysis/jacobianCondition';
import { moments } from '../core/analysis/stats/moments';
import { ROUND_TRIP_IDS, type RoundTripId } from '../core/analysis/trajectoryTypes';
import type { CheckpointAnalysis, GeneratedSet, Precision } from '../core/analysis/types';
import { VERDICT_WORDS } from '../core/analysis/verdictWords';
import { describeArchitecture, type Architecture } from '../core/model/architecture';
import type { CheckpointTraining } from '../core/store/checkpoint';
import type { RunRecord } from '../core/store/runTypes';
import { setRole, sourceName } from './generatedSets';
import { formatCondition, formatDecibels, formatDuration, formatNumber, formatPercent } from '../shared/formatNumber';

/** One side of `invertscope compare`: where the checkpoint is, what produced it, and its analysis. */
export interface ComparedCheckpoint {
  /** The checkpoint's path as shown. */
  readonly file: string;
  /** Column heading: the run id and epoch, or the file. */
  readonly label: string;
  readonly architecture: Architecture;
  readonly training: CheckpointTraining;
  /** The run the checkpoint belongs to (null for a file outside a run folder). */
  readonly run: RunRecord | null;
  readonly analysis: CheckpointAnalysis;
}

const PRECISIONS: readonly Precision[] = ['float32', 'float64'];
/** Row labels of the round trips, short enough for the comparison's first column. */
const ROUND_TRIP_SHORT: Record<RoundTripId, string> = {
  float32: 'all float32',
  mixed: 'f32 embedding, f64 inverse',
  float64: 'all float64',
};

/**
 * The rows of the two-column comparison: what produced each checkpoint
 * (objective with every flow setting, architecture, epochs, time), then the
 * numbers (losses, bits/dim, κ per layer, reconstruction per precision, the
 * noise threshold δ, generation accuracy per source, precision and
 * temperature). A row one side lacks reads "—".
 */
export function compareRows(a: ComparedCheckpoint, b: ComparedCheckpoint): string[][] {
  const rows: string[][] = [];
  const row = (label: string, f: (c: ComparedCheckpoint) => string) => rows.push([label, f(a), f(b)]);
  row('checkpoint', (c) => c.file);
  row('objective', (c) => (c.training.objective === 'seed' ? "the paper's loss (seed)" : 'exact likelihood (flow)'));
  row('target / prior', priorText);
  row('init', initText);
  row('learning-rate schedule', (c) => {
    const f = c.run?.config.flow;
    if (c.training.objective === 'seed') return 'constant';
    if (!f) return '—';
    const schedule = `${f.warmupSteps > 0 ? `warm-up ${f.warmupSteps}` : 'no warm-up'}, ${f.cosineDecay ? 'cosine decay' : 'then constant'}`;
    return c.run?.config.epochs === 0 ? `${schedule} (unused: 0 epochs)` : schedule;
  });
  row('pixels, kink gradient', (c) => {
    const config = c.run?.config;
    if (!config) return '—';
    const pixels = config.dequantize ? 'dequantized' : 'as stored';
    return config.flow ? `${pixels}, τ ${config.flow.boundarySurrogate}` : pixels;
  });
  row('architecture', (c) => describeArchitecture(c.architecture));
  row('epochs', (c) =>
    c.run ? `${c.training.epoch} (run: ${c.run.epochsCompleted}/${c.run.config.epochs})` : String(c.training.epoch),
  );
  row('batch, Adam lr, seed', (c) =>
    c.run
      ? `${c.run.config.batchSize}, ${c.run.config.learningRate}, ${c.run.config.seed}`
      : `—, —, ${c.training.seed}`,
  );
  row('time', timeText);
  row('data', (c) => c.analysis.dataDescription ?? '—');
  row('train loss (nats)', (c) => formatNumber(c.training.trainLoss));
  row('test loss (nats)', (c) => formatNumber(c.training.testLoss));
  row('test bits/dim', (c) =>
    c.analysis.density
      ? `${formatNumber(c.analysis.density.testBitsPerDim)} (uniform: 8)`
      : c.training.objective === 'seed'
        ? '— (not a density)'
        : '— (prior unknown)',
  );
  const depth = Math.max(a.analysis.layers.length, b.analysis.layers.length);
  for (let l = 0; l < depth; l++) {
    row(`κ layer ${l + 1}`, (c) => {
      const layer = c.analysis.layers[l];
      return layer ? formatNumber(layer.cond) : '—';
    });
  }
  row('κ Jacobian', (c) => {
    const j = c.analysis.jacobian;
    const bound = isConditionBound(j.cond, j.resolvable);
    return `${formatCondition(j.cond, !bound)}${bound ? ' (float64 cannot resolve)' : ''} at ${j.pointDescription}`;
  });
  row('verdict', (c) => VERDICT_WORDS[c.analysis.jacobian.verdict]);
  for (const id of ROUND_TRIP_IDS) {
    row(`round trip: ${ROUND_TRIP_SHORT[id]}`, (c) => {
      const r = c.analysis.reconstruction;
      const s =
        r.roundTrips?.[id] ?? (id === 'float32' ? r.overall.float32 : id === 'mixed' ? r.overall.float64 : null);
      return s
        ? `|err| ${formatNumber(s.meanAbsError)}, PSNR ${formatDecibels(s.psnr)}, ${formatPercent(s.brokenFraction)} broken`
        : '—';
    });
  }
  for (const p of PRECISIONS) {
    row(`noise: recognizable up to δ (${p})`, (c) => {
      const r = c.analysis.amplification.find((x) => x.precision === p);
      return r ? (r.recognizableUpTo === null ? 'none tested' : String(r.recognizableUpTo)) : '—';
    });
  }
  row('classifier on its own test images', (c) => formatPercent(c.analysis.generation.classifierTestAccuracy));
  const keys = [...new Set([...a.analysis.generation.sets, ...b.analysis.generation.sets].map(setKey))].sort(
    compareKeys,
  );
  for (const key of keys) {
    const [source, precision, temperature] = key.split('|');
    row(
      `${source === 'target' ? 'generation own target' : 'control: class Gaussian'} ${precision} T=${temperature}`,
      (c) => {
        const set = c.analysis.generation.sets.find((s) => setKey(s) === key);
        return set
          ? `${formatPercent(set.accuracy)} read as asked${source === 'target' ? ` (${sourceName(set)})` : ''}${seedSpread(set)}`
          : '—';
      },
    );
  }
  return rows;
}

/** The comparison as data: each checkpoint's configuration and figures, for --json. */
export function comparisonJson(compared: readonly ComparedCheckpoint[]): { checkpoints: unknown[] } {
  return {
    checkpoints: compared.map((c) => ({
      file: c.file,
      run: c.run
        ? {
            id: c.run.id,
            config: c.run.config,
            epochsCompleted: c.run.epochsCompleted,
            timings: c.run.timings,
            backend: c.run.backend,
          }
        : null,
      architecture: c.architecture,
      training: c.training,
      testBitsPerDim: c.analysis.density?.testBitsPerDim ?? null,
      density: c.analysis.density ?? null,
      kappas: c.analysis.layers.map((l) => l.cond),
      jacobian: {
        cond: c.analysis.jacobian.cond,
        resolvable: c.analysis.jacobian.resolvable ?? null,
        verdict: c.analysis.jacobian.verdict,
      },
      reconstruction: c.analysis.reconstruction.roundTrips ?? {
        float32: c.analysis.reconstruction.overall.float32,
        mixed: c.analysis.reconstruction.overall.float64,
      },
      recognizableUpTo: Object.fromEntries(c.analysis.amplification.map((r) => [r.precision, r.recognizableUpTo])),
      generation: {
        classifierTestAccuracy: c.analysis.generation.classifierTestAccuracy,
        sets: c.analysis.generation.sets.map((s) => ({
          source: s.source,
          role: setRole(s),
          prior: s.prior ?? (s.source === 'target' ? 'paper' : null),
          precision: s.precision,
          temperature: s.temperature,
          accuracy: s.accuracy,
          seedAccuracies: s.seedAccuracies ?? [s.accuracy],
          perClass: s.perClass.map((p) => ({
            label: p.label,
            accuracy: p.accuracy,
            samples: p.sampleCount ?? p.images.length,
          })),
        })),
      },
    })),
  };
}

/** ', ±0.6 over 3 seeds' when a set was drawn with several seeds (sd of the seeds' accuracies, in points). */
function seedSpread(set: GeneratedSet): string {
  const seeds = set.seedAccuracies ?? [];
  return seeds.length < 2
    ? ''
    : `, ±${formatNumber(100 * moments(seeds).std, { digits: 2 })} over ${seeds.length} seeds`;
}

function priorText(c: ComparedCheckpoint): string {
  if (c.training.objective === 'seed') return 'N(2a, 1) + variance penalty';
  // The checkpoint's own sidecar (through the analysis) outranks the run record: an imported flow's record cannot know its prior.
  const prior = c.analysis.density?.prior ?? c.run?.config.flow?.prior;
  return prior === 'class' ? 'learned per class N(μa, σa²)' : prior === 'paper' ? 'N(2a·1, I), fixed' : 'unknown';
}

function initText(c: ComparedCheckpoint): string {
  const f = c.run?.config.flow;
  if (c.training.objective === 'seed') return c.run ? "PyTorch's default" : '—';
  if (!f) return '—';
  if (f.init === 'default') return "PyTorch's default, as LU factors";
  return `${f.init === 'analytic' ? 'analytic' : 'Gaussianizing'} (${f.kinkLayers} kink layer${f.kinkLayers === 1 ? '' : 's'}, ridge ${f.ridge})`;
}

function timeText(c: ComparedCheckpoint): string {
  const t = c.run?.timings;
  if (!t) return '—';
  return `${formatDuration(t.trainSeconds)} training${t.initSeconds === undefined ? '' : ` + ${formatDuration(t.initSeconds)} init`} (${c.run?.backend?.name ?? '?'})`;
}

function setKey(s: Pick<GeneratedSet, 'source' | 'precision' | 'temperature'>): string {
  return `${s.source}|${s.precision}|${s.temperature}`;
}

/** Target before empirical, float32 before float64, higher temperature first. */
function compareKeys(x: string, y: string): number {
  const [sx, px, tx] = x.split('|');
  const [sy, py, ty] = y.split('|');
  if (sx !== sy) return sx === 'target' ? -1 : 1;
  if (tx !== ty) return Number(ty) - Number(tx);
  return px < py ? -1 : px > py ? 1 : 0;
}

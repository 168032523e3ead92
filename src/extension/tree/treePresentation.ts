/**
 * What each node of the Runs tree shows, computed from plain data so it can be
 * tested without VS Code. The node classes in this folder turn a NodeView into
 * a vscode.TreeItem and nothing else.
 */
import { ROUND_TRIPS, ROUND_TRIP_IDS, type TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { JacobianReport, LayerSpectrum } from '../../core/analysis/types';
import { describeArchitecture } from '../../core/model/architecture';
import type { CheckpointEntry, RunRecord, RunStatus } from '../../core/store/runTypes';
import { COMMAND_IDS } from '../common/commandIds';
import {
  formatCondition,
  formatCount,
  formatDecibels,
  formatDuration,
  formatNumber,
  formatPercent,
} from '../../shared/formatNumber';
import type { LiveProgress } from '../training/liveProgress';

export type Collapse = 'none' | 'collapsed' | 'expanded';

export interface NodeView {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  /** Commands the tooltip links to (MarkdownString.isTrusted.enabledCommands). */
  readonly tooltipCommands: readonly string[];
  /** Read by the manifest's `viewItem` when clauses. */
  readonly contextValue: string;
  /** A codicon id and an optional theme colour id. */
  readonly icon: { readonly id: string; readonly color?: string };
  readonly collapse: Collapse;
  /** Run on click, with the node as its argument. */
  readonly clickCommand?: string;
}

const STATUS_ICONS: Record<RunStatus, { id: string; color?: string }> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

function runNodeId(runId: string): string {
  return `run:${runId}`;
}

/** What a layer's row shows: the four figures a full analysis and a trajectory point both have. */
export type LayerFigures = Pick<LayerSpectrum, 'sigmaMax' | 'sigmaMin' | 'cond' | 'logAbsDet'>;

/** The verdict in the few words a tree row has room for. */
export const VERDICT_WORDS: Record<JacobianReport['verdict'], string> = {
  invertible: 'invertible',
  'float32-insufficient': 'float32 not enough',
  'non-invertible-float64': 'not invertible',
};

/** κ of the Jacobian: "κ(J) 3.2e7", or "κ(J) > 4.5e15" when float64 cannot resolve σmin and the figure is a lower bound. */
export function jacobianText(point: TrajectoryPoint): string {
  return `κ(J) ${formatCondition(point.jacobian.cond, point.jacobian.resolvable)}`;
}

/** "broken 98.2% f32, 0% f64": the reconstructions each end of the precision range breaks. */
export function brokenText(point: TrajectoryPoint): string {
  const { float32, float64 } = point.roundTrips;
  return `broken ${formatPercent(float32.brokenFraction)} f32, ${formatPercent(float64.brokenFraction)} f64`;
}

/**
 * The short line next to a run's name; `latest` (the point of its newest
 * analysed checkpoint) adds where the inverse stands, e.g. "κ(J) 1e17 · not
 * invertible", with the epoch when it is not the run's last checkpoint.
 */
export function runDescription(
  run: RunRecord,
  live: LiveProgress | null,
  latest: TrajectoryPoint | null = null,
): string {
  const base = runStatusDescription(run, live);
  if (!latest) return base;
  const lastCheckpoint = Math.max(...run.checkpoints.map((c) => c.epoch));
  const at = latest.epoch === lastCheckpoint ? '' : ` (epoch ${latest.epoch})`;
  return `${base} · ${jacobianText(latest)} · ${VERDICT_WORDS[latest.verdict]}${at}`;
}

function runStatusDescription(run: RunRecord, live: LiveProgress | null): string {
  const model = run.config.architecture.name;
  switch (run.status) {
    case 'running': {
      if (!live) return `${model} · running · epoch ${run.epochsCompleted}/${run.config.epochs}`;
      const loss = live.loss === null ? '' : ` · loss ${formatNumber(live.loss)}`;
      return `${model} · running · epoch ${live.epoch}/${live.totalEpochs}${loss}`;
    }
    case 'completed':
      return run.importedFrom !== undefined
        ? `${model} · imported`
        : `${model} · completed · ${run.epochsCompleted} ${plural(run.epochsCompleted, 'epoch')}`;
    case 'failed':
      return `${model} · failed at epoch ${run.epochsCompleted + 1}`;
    case 'cancelled':
      return `${model} · cancelled after ${run.epochsCompleted} ${plural(run.epochsCompleted, 'epoch')}`;
  }
}

function runTooltip(run: RunRecord, live: LiveProgress | null, latest: TrajectoryPoint | null = null): string {
  const lines = [
    `**${escapeMarkdown(run.id)}** — ${run.status}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Model | ${escapeMarkdown(describeArchitecture(run.config.architecture))} |`,
    `| Objective | ${run.config.objective === 'seed' ? 'seed loss (the paper)' : 'flow (maximum likelihood)'} |`,
    `| Data | ${escapeMarkdown(run.data.description)} (${formatCount(run.data.trainCount)} train / ${formatCount(run.data.testCount)} test) |`,
    `| Backend | ${escapeMarkdown(run.backend ? run.backend.description : 'not started yet')} |`,
    `| Epochs | ${run.epochsCompleted} of ${run.config.epochs}, batch ${run.config.batchSize}, lr ${formatNumber(run.config.learningRate)} |`,
    `| Training time | ${formatDuration(run.timings.trainSeconds)} |`,
    `| Created | ${escapeMarkdown(run.createdAt)} |`,
  ];
  if (live && live.samplesPerSecond !== null) lines.push(`| Speed | ${formatCount(live.samplesPerSecond)} samples/s |`);
  if (run.importedFrom !== undefined) lines.push(`| Imported from | ${escapeMarkdown(run.importedFrom)} |`);
  if (latest)
    lines.push(
      `| Latest analysis | epoch ${latest.epoch}: ${jacobianText(latest)}, ${VERDICT_WORDS[latest.verdict]}, ${brokenText(latest)} |`,
    );
  if (run.error) lines.push('', `**Error** (${escapeMarkdown(run.error.code)}): ${escapeMarkdown(run.error.message)}`);
  return lines.join('\n');
}

export function runView(run: RunRecord, live: LiveProgress | null, latest: TrajectoryPoint | null = null): NodeView {
  return {
    id: runNodeId(run.id),
    label: run.id,
    description: runDescription(run, live, latest),
    tooltip: runTooltip(run, live, latest),
    tooltipCommands: [],
    contextValue: `run.${run.status}`,
    icon: STATUS_ICONS[run.status],
    collapse: run.checkpoints.length > 0 ? 'collapsed' : 'none',
  };
}

function checkpointNodeId(runId: string, epoch: number): string {
  return `checkpoint:${runId}@${epoch}`;
}

/**
 * A checkpoint: its losses, and once its trajectory point is known (`point`,
 * for this very file) κ(J) and the share of broken reconstructions.
 * `analysed` says whether the full analysis is cached (null: not looked yet).
 */
export function checkpointView(
  run: RunRecord,
  entry: CheckpointEntry,
  analysed: boolean | null,
  point: TrajectoryPoint | null = null,
): NodeView {
  const train = formatLoss(entry.trainLoss);
  const test = formatLoss(entry.testLoss);
  const analysisLine = analysed === null ? '' : analysed ? 'Analysis: cached' : 'Analysis: not computed yet';
  const current =
    point !== null && point.epoch === entry.epoch && point.checkpointSha256 === entry.sha256 ? point : null;
  return {
    id: checkpointNodeId(run.id, entry.epoch),
    label: `epoch ${entry.epoch}`,
    description: current
      ? `loss ${train} · ${jacobianText(current)} · ${brokenText(current)}`
      : `loss ${train} · test ${test}`,
    tooltip: [
      `**${escapeMarkdown(run.id)}**, epoch ${entry.epoch}`,
      '',
      `Train loss ${train}, test loss ${test}`,
      ...(current ? ['', ...pointLines(current)] : []),
      '',
      `File \`${entry.file}\`, SHA-256 \`${entry.sha256.slice(0, 12)}…\``,
      '',
      `Written ${escapeMarkdown(entry.writtenAt)}`,
      ...(analysisLine ? ['', analysisLine] : []),
    ].join('\n'),
    tooltipCommands: [],
    contextValue: analysed === null ? 'checkpoint' : analysed ? 'checkpoint.analysed' : 'checkpoint.unanalysed',
    icon: { id: 'database' },
    collapse: 'collapsed',
    clickCommand: COMMAND_IDS.openInspector,
  };
}

function layerNodeId(runId: string, epoch: number, index: number): string {
  return `layer:${runId}@${epoch}#${index}`;
}

function layerLabel(index: number, activation: boolean): string {
  return `Linear ${index + 1}${activation ? ' + LeakyReLU' : ''}`;
}

/**
 * A layer: κ when the checkpoint's analysis is cached, else the way to compute
 * it; `reading` while the cache is being read.
 */
export function layerView(
  run: RunRecord,
  entry: CheckpointEntry,
  index: number,
  spectrum: LayerFigures | null | 'reading',
): NodeView {
  const activation = run.config.architecture.layers[index]?.activation ?? false;
  const base = {
    id: layerNodeId(run.id, entry.epoch, index),
    label: layerLabel(index, activation),
    icon: { id: 'layers' },
    collapse: 'none' as const,
  };
  if (spectrum === 'reading') {
    return {
      ...base,
      description: 'reading analysis…',
      tooltip: `**${layerLabel(index, activation)}** (784 × 784), epoch ${entry.epoch}\n\nReading the checkpoint's cached analysis.`,
      tooltipCommands: [],
      contextValue: 'layer.reading',
    };
  }
  if (!spectrum) {
    const args = encodeURIComponent(JSON.stringify([{ runId: run.id, epoch: entry.epoch }]));
    return {
      ...base,
      description: 'not analysed',
      tooltip: [
        `**${layerLabel(index, activation)}** (784 × 784), epoch ${entry.epoch}`,
        '',
        'Not analysed yet.',
        '',
        `[Analyse Checkpoint](command:${COMMAND_IDS.analyseCheckpoint}?${args}) computes σmax, σmin, κ and log|det W| for every layer.`,
      ].join('\n'),
      tooltipCommands: [COMMAND_IDS.analyseCheckpoint],
      contextValue: 'layer.unanalysed',
      clickCommand: COMMAND_IDS.analyseCheckpoint,
    };
  }
  return {
    ...base,
    description: `κ ${formatNumber(spectrum.cond)}`,
    tooltip: [
      `**${layerLabel(index, activation)}** (784 × 784), epoch ${entry.epoch}`,
      '',
      '| | |',
      '|---|---|',
      `| σmax | ${formatNumber(spectrum.sigmaMax)} |`,
      `| σmin | ${formatNumber(spectrum.sigmaMin)} |`,
      `| κ = σmax/σmin | ${formatNumber(spectrum.cond)} |`,
      `| log\\|det W\\| | ${formatNumber(spectrum.logAbsDet)} |`,
    ].join('\n'),
    tooltipCommands: [],
    contextValue: 'layer.analysed',
    clickCommand: COMMAND_IDS.openInspector,
  };
}

/** Newest first; runs with equal times by id, so the order is stable. */
export function sortRuns(runs: readonly RunRecord[]): RunRecord[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** A trajectory point as tooltip lines: κ(J), the verdict, and each round trip's broken share. */
function pointLines(point: TrajectoryPoint): string[] {
  const j = point.jacobian;
  const bound = j.resolvable ? '' : ' (a lower bound: σmin is below what float64 resolves next to σmax)';
  return [
    `**${VERDICT_WORDS[point.verdict]}** — κ of the Jacobian ${formatCondition(j.cond, j.resolvable)}${bound}, σmax ${formatNumber(j.sigmaMax)}, σmin ${formatNumber(j.sigmaMin)}`,
    '',
    '| Round trip | Broken | Median PSNR |',
    '|---|---|---|',
    ...ROUND_TRIP_IDS.map((id) => {
      const r = point.roundTrips[id];
      return `| ${ROUND_TRIPS[id].label} | ${formatPercent(r.brokenFraction)} of ${formatCount(r.imageCount)} | ${formatDecibels(r.medianPsnr)} |`;
    }),
  ];
}

function formatLoss(loss: number): string {
  return Number.isNaN(loss) ? '—' : formatNumber(loss);
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/**
 * Escapes what Markdown would interpret inside a line or a table cell in text
 * that comes from files (ids, paths, messages): emphasis, code, links, HTML and
 * cell separators. Everything here is mid-line, so headings and lists cannot start.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** A run folder whose run.json cannot be read: still listed, so it can be revealed or deleted. */
export function damagedRunView(id: string, folder: string, message: string): NodeView {
  return {
    id: runNodeId(id),
    label: id,
    description: 'damaged',
    tooltip: [
      `**${escapeMarkdown(id)}** cannot be read`,
      '',
      escapeMarkdown(message),
      '',
      `Folder: \`${folder}\``,
    ].join('\n'),
    tooltipCommands: [],
    contextValue: 'run.damaged',
    icon: { id: 'warning', color: 'problemsWarningIcon.foreground' },
    collapse: 'none',
  };
}

import type { GeneratedSet, Precision } from '../../core/analysis/types';
import type { LossPart } from '../charts/lossChart';
import type { InspectorInitialState } from '../../contracts/inspectorProtocol';
import type { CheckpointRef } from '../../shared/checkpointRef';

/**
 * What the person chose, saved with the webview's setState so a reloaded or
 * restored panel opens where it was left. Choices are stored by value (a δ, an
 * epoch), not by index, so they survive analyses with different lists.
 */
export interface UiState {
  readonly version: 1;
  readonly runId: string;
  /** The selected checkpoint epoch; null until one exists. */
  readonly epoch: number | null;
  readonly compare: CheckpointRef | null;
  readonly delta: number;
  readonly amplificationPrecision: Precision;
  readonly smoothing: number;
  readonly lossPart: LossPart;
  readonly lossLogY: boolean;
  readonly generation: GenerationChoice | null;
}

export type GenerationChoice = Pick<GeneratedSet, 'source' | 'precision' | 'temperature'>;

const DEFAULT_DELTA = 1e-3;

export function defaultUiState(initial: InspectorInitialState): UiState {
  return {
    version: 1,
    runId: initial.runId,
    epoch: initial.epoch,
    compare: initial.compare ?? null,
    delta: DEFAULT_DELTA,
    amplificationPrecision: 'float32',
    smoothing: 0.6,
    lossPart: 'total',
    lossLogY: true,
    generation: null,
  };
}

/**
 * Merges saved state over the defaults field by field. A field that fails its
 * check is dropped with a warning naming it: one stale field should not cost the
 * person every other choice. State saved for another run is ignored.
 */
export function restoreUiState(saved: unknown, initial: InspectorInitialState): UiState {
  const base = defaultUiState(initial);
  if (typeof saved !== 'object' || saved === null) return base;
  const s = saved as Record<string, unknown>;
  if (s.version !== 1 || s.runId !== initial.runId) return base;
  const pick = <K extends keyof UiState>(key: K, ok: (v: unknown) => boolean): UiState[K] => {
    if (!(key in s)) return base[key];
    if (ok(s[key])) return s[key] as UiState[K];
    console.warn(`inspector: ignoring saved ${String(key)}: ${JSON.stringify(s[key])}`);
    return base[key];
  };
  return {
    version: 1,
    runId: initial.runId,
    epoch: pick('epoch', (v) => v === null || isEpoch(v)),
    compare: pick('compare', (v) => v === null || isRef(v)),
    delta: pick('delta', (v) => typeof v === 'number' && v > 0 && v < 1e6),
    amplificationPrecision: pick('amplificationPrecision', (v) => v === 'float32' || v === 'float64'),
    smoothing: pick('smoothing', (v) => typeof v === 'number' && v >= 0 && v < 1),
    lossPart: pick('lossPart', (v) => v === 'total' || v === 'part0' || v === 'part1'),
    lossLogY: pick('lossLogY', (v) => typeof v === 'boolean'),
    generation: pick('generation', (v) => v === null || isGenerationChoice(v)),
  };
}

function isEpoch(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isRef(v: unknown): v is CheckpointRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.runId === 'string' && isEpoch(r.epoch);
}

function isGenerationChoice(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const g = v as Record<string, unknown>;
  return (
    (g.source === 'target' || g.source === 'empirical') &&
    (g.precision === 'float32' || g.precision === 'float64') &&
    typeof g.temperature === 'number' &&
    g.temperature > 0
  );
}

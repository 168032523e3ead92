import type { RoundTripId } from '../../core/analysis/trajectoryTypes';
import type { SortState } from './rowQuery';

/**
 * What the person chose in the dashboard, saved with setState so a reloaded or
 * restored panel opens as it was left. Runs are kept by id: a run that is gone
 * when the panel comes back is dropped from the selection.
 */
export type LossView = 'train' | 'test' | 'bits';

export interface DashboardUiState {
  readonly version: 1;
  /** Ticked runs, in the order they were ticked (which decides their colours). */
  readonly selected: readonly string[];
  readonly sort: SortState;
  readonly filter: string;
  readonly smoothing: number;
  readonly logY: boolean;
  readonly lossView: LossView;
  readonly roundTrip: RoundTripId;
}

const DEFAULT_DASHBOARD_UI: DashboardUiState = {
  version: 1,
  selected: [],
  sort: { key: 'created', descending: true },
  filter: '',
  smoothing: 0.6,
  logY: true,
  lossView: 'train',
  roundTrip: 'float32',
};

/** Merges saved state over the defaults field by field; a field that fails its check is dropped with a warning naming it. */
export function restoreDashboardUi(saved: unknown): DashboardUiState {
  const base = DEFAULT_DASHBOARD_UI;
  if (typeof saved !== 'object' || saved === null || (saved as { version?: unknown }).version !== 1) return base;
  const s = saved as Record<string, unknown>;
  const pick = <K extends keyof DashboardUiState>(key: K, ok: (v: unknown) => boolean): DashboardUiState[K] => {
    if (!(key in s)) return base[key];
    if (ok(s[key])) return s[key] as DashboardUiState[K];
    console.warn(`dashboard: ignoring saved ${String(key)}: ${JSON.stringify(s[key])}`);
    return base[key];
  };
  return {
    version: 1,
    selected: pick('selected', (v) => Array.isArray(v) && v.every((id) => typeof id === 'string')),
    sort: pick(
      'sort',
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as SortState).key === 'string' &&
        typeof (v as SortState).descending === 'boolean',
    ),
    filter: pick('filter', (v) => typeof v === 'string'),
    smoothing: pick('smoothing', (v) => typeof v === 'number' && v >= 0 && v < 1),
    logY: pick('logY', (v) => typeof v === 'boolean'),
    lossView: pick('lossView', (v) => v === 'train' || v === 'test' || v === 'bits'),
    roundTrip: pick('roundTrip', (v) => v === 'float32' || v === 'mixed' || v === 'float64'),
  };
}

/**
 * Which checkpoint(s) a panel shows, as the host keeps it and as it comes back
 * after a window reload (the webview's saved UI state, see src/webview/state).
 */
import type { InspectorInitialState, RunSummary } from '../../contracts/inspectorProtocol';
import type { CheckpointRef } from '../../shared/checkpointRef';
import type { RunRecord } from '../../core/store/runTypes';

export interface PanelTarget {
  readonly runId: string;
  /** null: the run's latest checkpoint. */
  readonly epoch: number | null;
  /** A second checkpoint shown next to the first (the compare panel). */
  readonly compare: CheckpointRef | null;
}

/** The initial state in the page's meta tag. */
export type PanelInitialState = InspectorInitialState;

export function initialStateFor(target: PanelTarget): PanelInitialState {
  return { runId: target.runId, epoch: target.epoch, title: panelTitle(target), compare: target.compare };
}

export function panelTitle(target: PanelTarget): string {
  const here = target.epoch === null ? target.runId : `${target.runId} · epoch ${target.epoch}`;
  if (!target.compare) return here;
  const there =
    target.compare.runId === target.runId
      ? `epoch ${target.compare.epoch}`
      : `${target.compare.runId} · epoch ${target.compare.epoch}`;
  return `${here} ↔ ${there}`;
}

/** Reads a restored panel's state; a string says why it cannot be used. */
export function parseRestoredState(state: unknown): PanelTarget | string {
  if (typeof state !== 'object' || state === null) return 'the panel saved no state';
  const s = state as Record<string, unknown>;
  if (typeof s.runId !== 'string' || s.runId === '')
    return `the saved state names no run (runId: ${JSON.stringify(s.runId)})`;
  if (s.epoch !== null && s.epoch !== undefined && !isEpoch(s.epoch))
    return `the saved epoch is invalid: ${JSON.stringify(s.epoch)}`;
  let compare: CheckpointRef | null = null;
  if (s.compare !== null && s.compare !== undefined) {
    const c = s.compare as Record<string, unknown>;
    if (typeof c !== 'object' || typeof c.runId !== 'string' || c.runId === '' || !isEpoch(c.epoch)) {
      return `the saved comparison is invalid: ${JSON.stringify(s.compare)}`;
    }
    compare = { runId: c.runId, epoch: c.epoch };
  }
  return { runId: s.runId, epoch: s.epoch ?? null, compare };
}

/** Whether a panel already shows exactly this. */
export function sameTarget(a: PanelTarget, b: PanelTarget): boolean {
  const sameCompare =
    a.compare === null
      ? b.compare === null
      : b.compare !== null && a.compare.runId === b.compare.runId && a.compare.epoch === b.compare.epoch;
  return a.runId === b.runId && a.epoch === b.epoch && sameCompare;
}

/** How a run appears in the inspector's pickers: "base · seed loss · 2026-01-21". */
export function summarizeRun(run: RunRecord): RunSummary {
  const objective = run.config.objective === 'seed' ? 'seed loss' : 'flow';
  return {
    id: run.id,
    label: `${run.config.architecture.name} · ${objective} · ${run.createdAt.slice(0, 10)}`,
    objective: run.config.objective,
    architectureName: run.config.architecture.name,
    status: run.status,
    checkpointEpochs: run.checkpoints.map((c) => c.epoch).sort((a, b) => a - b),
  };
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

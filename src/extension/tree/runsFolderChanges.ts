import { basename } from 'node:path';
import { firstSegmentBelow, isInsideFolder } from '../util/paths';

/**
 * What a file event in the runs folder means for the tree:
 * - 'record': run.json (status, checkpoints list) → the run node changes;
 * - 'metrics': metrics.jsonl → only the run's live description changes;
 * - 'files': anything else in the run folder (checkpoints, cached analyses) →
 *   the run node changes and its cached analyses are read again;
 * - root: the runs folder itself, or a run folder appearing or vanishing.
 */
export type RunsFolderChange =
  | { readonly scope: 'root' }
  | { readonly scope: 'run'; readonly runId: string; readonly kind: 'record' | 'metrics' | 'files' };

/** null for events the tree ignores (the store's temporary files, paths outside the folder). */
export function classifyRunsFolderPath(runsFolder: string, path: string): RunsFolderChange | null {
  if (!isInsideFolder(path, runsFolder)) return null;
  const below = firstSegmentBelow(path, runsFolder);
  if (!below) return { scope: 'root' };
  if (below.segment.startsWith('.')) return null;
  // writeFileAtomic's temporary names: ".<name>.<hex>.tmp"; the rename that follows reports the real file.
  if (/^\..*\.tmp$/.test(basename(path))) return null;
  if (below.rest === '') return { scope: 'root' };
  if (below.rest === 'run.json') return { scope: 'run', runId: below.segment, kind: 'record' };
  if (below.rest === 'metrics.jsonl') return { scope: 'run', runId: below.segment, kind: 'metrics' };
  return { scope: 'run', runId: below.segment, kind: 'files' };
}

export function changeKey(change: RunsFolderChange): string {
  return change.scope === 'root' ? 'root' : `${change.kind}:${change.runId}`;
}

/** A batch of debounced changes, merged per run: the strongest kind wins. */
export interface ChangeBatch {
  readonly root: boolean;
  /** runId → what changed; 'files' implies 'record' implies 'metrics'. */
  readonly runs: ReadonlyMap<string, 'record' | 'metrics' | 'files'>;
}

const STRENGTH = { metrics: 0, record: 1, files: 2 } as const;

export function mergeChangeKeys(keys: Iterable<string>): ChangeBatch {
  let root = false;
  const runs = new Map<string, 'record' | 'metrics' | 'files'>();
  for (const key of keys) {
    if (key === 'root') {
      root = true;
      continue;
    }
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon) as 'record' | 'metrics' | 'files';
    const runId = key.slice(colon + 1);
    const previous = runs.get(runId);
    if (previous === undefined || STRENGTH[kind] > STRENGTH[previous]) runs.set(runId, kind);
  }
  return { root, runs };
}

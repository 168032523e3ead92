import type { InspectorInitialState } from '../../contracts/inspectorProtocol';
import { INITIAL_STATE_META } from '../../shared/webviewPage';

/**
 * Reads the state the host rendered into the page. A missing or malformed tag is a
 * programming error on the host side, so it throws with what it found.
 */
export function readInitialState(doc: Document): InspectorInitialState {
  const meta = doc.querySelector(`meta[name="${INITIAL_STATE_META}"]`);
  const raw = meta?.getAttribute('content');
  if (raw === null || raw === undefined) throw new Error(`inspector: meta[name="${INITIAL_STATE_META}"] is missing`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new Error(`inspector: initial state is not JSON (${String(error)}): ${raw.slice(0, 80)}`);
  }
  const v = value as Partial<Record<keyof InspectorInitialState, unknown>>;
  if (typeof v !== 'object' || v === null) throw new Error(`inspector: invalid initial state: ${raw.slice(0, 80)}`);
  if (typeof v.runId !== 'string' || v.runId === '')
    throw new Error(`inspector: invalid initial state runId: ${JSON.stringify(v.runId)}`);
  if (v.epoch !== null && !(typeof v.epoch === 'number' && Number.isInteger(v.epoch) && v.epoch >= 0)) {
    throw new Error(`inspector: invalid initial state epoch: ${JSON.stringify(v.epoch)}`);
  }
  if (typeof v.title !== 'string')
    throw new Error(`inspector: invalid initial state title: ${JSON.stringify(v.title)}`);
  const compare = v.compare as { runId?: unknown; epoch?: unknown } | null | undefined;
  const validCompare =
    compare !== null &&
    compare !== undefined &&
    typeof compare === 'object' &&
    typeof compare.runId === 'string' &&
    compare.runId !== '' &&
    Number.isInteger(compare.epoch) &&
    (compare.epoch as number) >= 0;
  if (compare !== null && compare !== undefined && !validCompare)
    throw new Error(`inspector: invalid initial state compare: ${JSON.stringify(compare)}`);
  return {
    runId: v.runId,
    epoch: v.epoch,
    title: v.title,
    compare: validCompare ? { runId: compare.runId as string, epoch: compare.epoch as number } : null,
  };
}

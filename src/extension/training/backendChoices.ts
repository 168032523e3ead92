import { autoChoice, OBJECTIVE_NAMES, type BackendAvailability } from '../../core/train/backendCapabilities';
import type { BackendRequest, Objective } from '../../core/train/config';

/** One row of the Select Backend picker, without VS Code's types (so it is tested as data). */
export interface BackendChoice {
  readonly backend: BackendRequest;
  readonly label: string;
  readonly description: string;
  /** Why it cannot load here; null for a backend that can, which is the only kind that can be chosen. */
  readonly unavailable: string | null;
  readonly current: boolean;
}

const OBJECTIVES: readonly Objective[] = ['seed', 'flow'];

/**
 * The picker's rows: 'auto' with what it resolves to for each objective, every
 * backend that loads here with what it trains, then those that do not, each
 * with the reason — all read from the probe of the engine's capability facts.
 */
export function backendChoices(probed: readonly BackendAvailability[], current: BackendRequest): BackendChoice[] {
  const auto = OBJECTIVES.map(
    (objective) => `${autoChoice(probed, objective) ?? 'nothing'} for ${OBJECTIVE_NAMES[objective]}`,
  );
  const rows: BackendChoice[] = [
    {
      backend: 'auto',
      label: 'auto',
      description: `the fastest that loads: ${auto.join(', ')}`,
      unavailable: null,
      current: current === 'auto',
    },
  ];
  const loadable = probed.filter((b) => b.unavailable === null);
  const blocked = probed.filter((b) => b.unavailable !== null);
  for (const b of [...loadable, ...blocked]) {
    const trains =
      b.objectives.length === OBJECTIVES.length
        ? ''
        : ` · trains ${b.objectives.map((o) => OBJECTIVE_NAMES[o]).join(' and ')} only`;
    rows.push({
      backend: b.name,
      label: b.name,
      description: `${b.description}${trains}`,
      unavailable: b.unavailable,
      current: current === b.name,
    });
  }
  return rows;
}

/** The picker's hint: the current backend, and that it cannot load when so. */
export function backendHint(choices: readonly BackendChoice[], current: BackendRequest): string {
  const row = choices.find((c) => c.backend === current);
  return `Compute backend for training (now: ${current}${row?.unavailable ? ', which cannot load here' : ''})`;
}

import type { Services } from '../services';
import type { Command } from './command';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { asCheckpointRef, checkpointPairFromSelection } from '../common/commandArgs';
import { COMMAND_IDS } from '../common/commandIds';
import { resolveCheckpoint } from './ui/pickers';

/** Opens a panel with two checkpoints side by side: two selected in the tree, or picked one after the other. */
export class CompareCheckpointsCommand implements Command {
  readonly id = COMMAND_IDS.compareCheckpoints;
  readonly title = 'Compare Checkpoints';

  constructor(private readonly services: Services) {}

  async execute(clicked?: unknown, selected?: unknown): Promise<boolean> {
    const pair = checkpointPairFromSelection(clicked, selected);
    if (pair) {
      this.services.inspectors.openCompare(pair[0], pair[1]);
      return true;
    }
    let first: CheckpointRef | undefined = asCheckpointRef(clicked);
    if (!first) {
      const picked = await resolveCheckpoint(this.services, undefined, 'First checkpoint to compare');
      if (!picked) return false;
      first = { runId: picked.run.id, epoch: picked.entry.epoch };
    }
    const second = await resolveCheckpoint(
      this.services,
      undefined,
      `Compare ${first.runId} epoch ${first.epoch} with…`,
      first,
    );
    if (!second) return false;
    this.services.inspectors.openCompare(first, { runId: second.run.id, epoch: second.entry.epoch });
    return true;
  }
}

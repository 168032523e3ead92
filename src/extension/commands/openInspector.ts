import type { Services } from '../services';
import type { Command } from './command';
import { asCheckpointRef, asRunRef } from '../common/commandArgs';
import { COMMAND_IDS } from '../common/commandIds';
import { resolveCheckpoint } from './ui/pickers';

/** Opens (or reveals) the inspector of a checkpoint; on a run, of its latest checkpoint. */
export class OpenInspectorCommand implements Command {
  readonly id = COMMAND_IDS.openInspector;
  readonly title = 'Open Inspector';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<boolean> {
    const checkpoint = asCheckpointRef(arg);
    if (checkpoint) {
      this.services.inspectors.open(checkpoint.runId, checkpoint.epoch);
      return true;
    }
    const run = asRunRef(arg);
    if (run) {
      // A run without checkpoints still has a loss curve to show while it trains.
      this.services.inspectors.open(run.runId, null);
      return true;
    }
    const picked = await resolveCheckpoint(this.services, undefined, 'Checkpoint to inspect');
    if (!picked) return false;
    this.services.inspectors.open(picked.run.id, picked.entry.epoch);
    return true;
  }
}

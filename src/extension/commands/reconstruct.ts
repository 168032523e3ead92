import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { withCancellableProgress } from './ui/progress';
import { checkpointTarget, resolveCheckpoint } from './ui/pickers';

/** Inverts a checkpoint on test images in float32 and float64 and shows the reconstruction grid. */
export class ReconstructCommand implements Command {
  readonly id = COMMAND_IDS.reconstruct;
  readonly title = 'Reconstruct';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<boolean> {
    const checkpoint = await resolveCheckpoint(this.services, arg, 'Checkpoint to reconstruct images with');
    if (!checkpoint) return false;
    const target = checkpointTarget(this.services, checkpoint);
    await withCancellableProgress(
      `Invertscope: reconstructing with ${checkpoint.run.id} epoch ${checkpoint.entry.epoch}`,
      (report, signal) => this.services.analysis.get(target, report, signal),
    );
    this.services.inspectors.open(checkpoint.run.id, checkpoint.entry.epoch, 'reconstruction');
    return true;
  }
}

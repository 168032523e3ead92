import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { withCancellableProgress } from './ui/progress';
import { checkpointTarget, resolveCheckpoint } from './ui/pickers';

/**
 * Feeds random embeddings (N(2·label, T²) at the configured temperature, and the
 * training embeddings' own distribution) through the inverted network and shows
 * what comes out.
 */
export class GenerateCommand implements Command {
  readonly id = COMMAND_IDS.generate;
  readonly title = 'Generate';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<boolean> {
    const checkpoint = await resolveCheckpoint(this.services, arg, 'Checkpoint to generate images with');
    if (!checkpoint) return false;
    const target = checkpointTarget(this.services, checkpoint);
    const temperature = this.services.settings.current.analysis.temperature;
    await withCancellableProgress(
      `Invertscope: generating with ${checkpoint.run.id} epoch ${checkpoint.entry.epoch} (T = ${temperature})`,
      (report, signal) => this.services.analysis.get(target, report, signal),
    );
    this.services.inspectors.open(checkpoint.run.id, checkpoint.entry.epoch, 'generation');
    return true;
  }
}

import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { withCancellableProgress } from './ui/progress';
import { checkpointTarget, resolveCheckpoint } from './ui/pickers';

/** Computes a checkpoint's analysis (spectra, reconstructions, noise amplification, generation) and caches it. */
export class AnalyseCheckpointCommand implements Command {
  readonly id = COMMAND_IDS.analyseCheckpoint;
  readonly title = 'Analyse Checkpoint';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<boolean> {
    const checkpoint = await resolveCheckpoint(this.services, arg, 'Checkpoint to analyse');
    if (!checkpoint) return false;
    const target = checkpointTarget(this.services, checkpoint);
    await withCancellableProgress(
      `Invertscope: analysing ${checkpoint.run.id} epoch ${checkpoint.entry.epoch}`,
      (report, signal) => this.services.analysis.analyse(target, report, signal),
    );
    return true;
  }
}

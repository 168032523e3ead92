import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from './commandIds';

/** Reads the runs folder again (the watcher normally does this by itself). */
export class RefreshRunsCommand implements Command {
  readonly id = COMMAND_IDS.refreshRuns;
  readonly title = 'Refresh Runs';

  constructor(private readonly services: Services) {}

  execute(): void {
    this.services.analysis.forget();
    this.services.tree.refreshAll();
  }
}

import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** Reads the runs folder again, for the tree and the dashboard (the watcher normally does this by itself). */
export class RefreshRunsCommand implements Command {
  readonly id = COMMAND_IDS.refreshRuns;
  readonly title = 'Refresh Runs';

  constructor(private readonly services: Services) {}

  execute(): void {
    this.services.analysis.forget();
    this.services.tree.refreshAll();
    this.services.dashboard.runsChanged({ root: true, runs: new Map() });
  }
}

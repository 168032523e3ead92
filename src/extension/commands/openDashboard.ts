import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** Opens (or reveals) the runs dashboard: every run in a table, the ticked ones overlaid. */
export class OpenDashboardCommand implements Command {
  readonly id = COMMAND_IDS.openDashboard;
  readonly title = 'Open Runs Dashboard';

  constructor(private readonly services: Services) {}

  execute(): void {
    this.services.dashboard.open();
  }
}

import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** Reveals the Invertscope log (what the extension, the trainer and the analysis did). */
export class ShowLogCommand implements Command {
  readonly id = COMMAND_IDS.showLog;
  readonly title = 'Show Log';

  constructor(private readonly services: Services) {}

  execute(): void {
    this.services.log.show(true);
  }
}

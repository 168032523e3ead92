import * as vscode from 'vscode';
import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** What the training status bar item offers: Stop Training, Open Inspector, Show Log. */
export class ShowTrainingActionsCommand implements Command {
  readonly id = COMMAND_IDS.showTrainingActions;
  readonly title = 'Training Actions';

  constructor(private readonly services: Services) {}

  async execute(): Promise<void> {
    const training = this.services.training.latest();
    if (!training) {
      void vscode.window.showInformationMessage('No training is running in this window.');
      return;
    }
    const name = training.runId ?? training.label;
    const items = [
      { label: '$(debug-stop) Stop Training', description: name, command: COMMAND_IDS.stopTraining },
      { label: '$(graph) Open Inspector', description: name, command: COMMAND_IDS.openInspector },
      { label: '$(output) Show Log', description: '', command: COMMAND_IDS.showLog },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Training ${name}` });
    if (!picked) return;
    const args = picked.command === COMMAND_IDS.showLog || !training.runId ? [] : [{ runId: training.runId }];
    if (picked.command === COMMAND_IDS.stopTraining) this.services.training.stop(training.session);
    else await vscode.commands.executeCommand(picked.command, ...args);
  }
}

import * as vscode from 'vscode';
import { COMMAND_IDS } from './commandIds';
import { ACTION_LABELS, describeFailure, type FailureAction } from './errorMessages';

/**
 * The one place failures become messages: the full error (with its stack) goes
 * to the log, the person gets one plain sentence and the actions that help.
 */
export class FailureReporter {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  report(what: string, error: unknown): void {
    const failure = describeFailure(what, error);
    if (failure.severity === 'silent') {
      this.log.info(failure.text);
      return;
    }
    this.log.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const labels = failure.actions.map((action) => ACTION_LABELS[action]);
    const show = failure.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void show(failure.text, ...labels).then((chosen) => {
      const action = failure.actions.find((a) => ACTION_LABELS[a] === chosen);
      if (action) this.run(action);
    });
  }

  private run(action: FailureAction): void {
    switch (action) {
      case 'openLog':
        this.log.show(true);
        return;
      case 'selectBackend':
        void vscode.commands.executeCommand(COMMAND_IDS.selectBackend);
        return;
      case 'manageTrust':
        void vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'downloadMnist':
        void vscode.commands.executeCommand(COMMAND_IDS.downloadMnist);
        return;
    }
  }
}

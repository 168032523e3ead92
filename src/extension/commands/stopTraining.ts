import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ActiveTraining } from '../training/trainingController';
import type { Command } from './command';
import { asRunRef } from '../common/commandArgs';
import { COMMAND_IDS } from '../common/commandIds';

/** Asks a training process to stop after its current step (it saves its state first). */
export class StopTrainingCommand implements Command {
  readonly id = COMMAND_IDS.stopTraining;
  readonly title = 'Stop Training';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<void> {
    const training = await this.choose(arg);
    if (training) this.services.training.stop(training.session);
  }

  private async choose(arg: unknown): Promise<ActiveTraining | undefined> {
    const ref = asRunRef(arg);
    if (ref) {
      const training = this.services.training.findByRun(ref.runId);
      if (training) return training;
      const run = await this.services.location.current.readRun(ref.runId);
      const pid = run.process?.pid;
      void vscode.window.showInformationMessage(
        run.status === 'running'
          ? `Run ${ref.runId} is trained by another process${pid ? ` (pid ${pid})` : ''}, not this window; stop it there.`
          : `Run ${ref.runId} is not training.`,
      );
      return undefined;
    }
    const all = this.services.training.list();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No training is running in this window.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((t) => ({ label: t.runId ?? t.label, description: t.label, training: t })),
      { placeHolder: 'Training to stop' },
    );
    return picked?.training;
  }
}

import * as vscode from 'vscode';
import type { RunRecord } from '../../core/store/runTypes';
import { LIMITS } from '../config/settings';
import type { Services } from '../services';
import { requireTrustToTrain } from '../trust';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { resolveRun } from './ui/pickers';
import { followTraining } from './ui/trainingProgress';

/** Continues a stopped, failed or finished run from its last checkpoint, up to a total number of epochs. */
export class ResumeTrainingCommand implements Command {
  readonly id = COMMAND_IDS.resumeTraining;
  readonly title = 'Resume Training';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<string | undefined> {
    requireTrustToTrain(vscode.workspace.isTrusted);
    const resumable = (run: RunRecord) =>
      run.status !== 'running' && run.checkpoints.length > 0 && run.importedFrom === undefined;
    const run = await resolveRun(
      this.services,
      arg,
      'Run to resume (stopped, failed or finished, with a checkpoint)',
      resumable,
    );
    if (!run) return undefined;
    if (!resumable(run))
      throw new Error(
        `Run ${run.id} cannot be resumed: ${run.status === 'running' ? 'it is training' : run.checkpoints.length === 0 ? 'it has no checkpoint' : 'it was imported, not trained'}`,
      );
    const done = run.epochsCompleted;
    const suggestion = done < run.config.epochs ? run.config.epochs : done + Math.max(1, run.config.epochs);
    const text = await vscode.window.showInputBox({
      title: `Resume ${run.id}`,
      prompt: `Train until epoch (it has completed ${done})`,
      value: String(suggestion),
      validateInput: (value) => {
        const n = Number(value.trim());
        return Number.isInteger(n) && n > done && n <= LIMITS.epochs.max
          ? undefined
          : `Enter a whole number from ${done + 1} to ${LIMITS.epochs.max}`;
      },
    });
    if (text === undefined) return undefined;
    const training = this.services.training.start(
      {
        kind: 'resume',
        runsFolder: this.services.location.current.runsFolder,
        runId: run.id,
        epochs: Number(text.trim()),
        backend: this.services.settings.current.backend,
      },
      run.id,
    );
    followTraining(this.services, training, `Invertscope: resuming ${run.id}`);
    return (await training.session.started).runId;
  }
}

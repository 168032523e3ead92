import * as vscode from 'vscode';
import { errorFromFailure, type TrainingOutcome } from '../../../backend/protocol';
import type { Services } from '../../services';
import { progressText, sessionFraction } from '../../training/liveProgress';
import type { ActiveTraining } from '../../training/trainingController';
import { COMMAND_IDS } from '../../common/commandIds';

/**
 * A cancellable notification that follows a training session to its end;
 * Cancel asks the process to stop (TrainingController.stop). The outcome is
 * reported when the session ends; failures go through the FailureReporter.
 */
export function followTraining(services: Services, training: ActiveTraining, title: string): void {
  const session = training.session;
  void vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => services.training.stop(session));
        let done = 0;
        const update = services.training.onDidChange((t) => {
          if (t.session !== session) return;
          const fraction = sessionFraction(t.progress, t.shape);
          progress.report({
            message: progressText(t.progress) + (t.stopRequested ? ' — stopping…' : ''),
            increment: Math.max(0, fraction - done) * 100,
          });
          done = Math.max(done, fraction);
        });
        try {
          return await session.outcome;
        } finally {
          cancel.dispose();
          update.dispose();
        }
      },
    )
    .then((outcome) => reportOutcome(services, training, outcome));
}

function reportOutcome(services: Services, training: ActiveTraining, outcome: TrainingOutcome): void {
  const runId = outcome.runId ?? training.runId;
  switch (outcome.status) {
    case 'completed':
      void vscode.window
        .showInformationMessage(`Training finished: ${runId ?? training.label}`, 'Open Inspector')
        .then((choice) => {
          if (choice && runId) void vscode.commands.executeCommand(COMMAND_IDS.openInspector, { runId });
        });
      return;
    case 'cancelled': {
      const kept = outcome.lastCheckpoint
        ? ` It keeps its checkpoint of epoch ${outcome.lastCheckpoint.epoch}; Resume Training continues it.`
        : '';
      void vscode.window.showInformationMessage(`Training of ${runId ?? training.label} stopped.${kept}`);
      return;
    }
    case 'failed': {
      const error = errorFromFailure(outcome.error);
      if (outcome.error?.stack) services.log.error(`training ${runId ?? training.label}: ${outcome.error.stack}`);
      services.failures.report(`Training ${runId ?? training.label}`, error);
      return;
    }
  }
}

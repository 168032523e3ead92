import { recordAbnormalEnd } from '../../backend/recordAbnormalEnd';
import { startTraining } from '../../backend/trainingClient';
import type { TrainingSession } from '../../backend/session';
import type { Trainer } from '../../core/reproduce/reproduce';

/**
 * The reproduce command's Trainer: each run trains in its own training process
 * (as `invertscope train` does), its messages mapped to TrainerEvents. `kill`
 * ends the current one at once (a second Ctrl-C); its run is then marked
 * cancelled and resumes from its last finished epoch.
 */
export interface ProcessTrainer extends Trainer {
  kill(): void;
}

export function processTrainer(onStderr: (text: string) => void): ProcessTrainer {
  let current: TrainingSession | null = null;
  return {
    start(request, onEvent) {
      const session = startTraining(request, { recordAbnormalEnd, onStderr });
      current = session;
      session.onMessage((m) => {
        switch (m.type) {
          case 'started':
            onEvent({
              type: 'started',
              runId: m.runId,
              backend: m.backend.description,
              firstEpoch: m.firstEpoch,
              totalEpochs: m.totalEpochs,
              stepsPerEpoch: m.stepsPerEpoch,
            });
            break;
          case 'progress':
            if (m.metric.type === 'step') onEvent({ type: 'step', epoch: m.metric.epoch, step: m.metric.step });
            else onEvent({ type: 'epochDone', epoch: m.metric.epoch });
            break;
          case 'log':
            onEvent({ type: 'log', level: m.level, message: m.message });
            break;
          default:
            break;
        }
      });
      const outcome = session.outcome.then((o) => {
        if (current === session) current = null;
        return {
          status: o.status,
          runId: o.runId,
          ...(o.error ? { error: { message: o.error.message, code: o.error.code } } : {}),
        };
      });
      return { cancel: () => session.cancel(), outcome };
    },
    kill() {
      current?.kill();
    },
  };
}

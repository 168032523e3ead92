import { recordAbnormalEnd } from '../../backend/recordAbnormalEnd';
import { startTraining } from '../../backend/trainingClient';
import { TRAINING_HOST_VARIABLE } from '../../core/train/backendCapabilities';
import type { LogSink, TrainerPort } from '../ports';

/**
 * Forks the training process. When it dies without reporting how, the run is
 * marked here (the process no longer can), unless it already ended.
 */
export function createTrainer(log: LogSink): TrainerPort {
  return {
    start: (request) =>
      startTraining(request, {
        recordAbnormalEnd,
        // The training process then offers only the backends the extension ships (no tfjs-node).
        env: { ...process.env, [TRAINING_HOST_VARIABLE]: 'vscode' },
        onStderr: (text) => {
          for (const line of text.split('\n')) if (line.trim() !== '') log.warn(`trainer stderr: ${line}`);
        },
      }),
  };
}

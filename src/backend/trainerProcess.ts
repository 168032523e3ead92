/**
 * Entry point of the training process, forked by startTraining(). It takes one
 * 'start' message, runs the job, reports through the protocol, and exits. It
 * never writes to stdout; stderr carries only diagnostics.
 */
import { runTrainingJob } from '../core/jobs/trainingJob';
import { describeError, InvertscopeError } from '../core/errors';
import type { FromTrainer, ToTrainer } from './protocol';
import { isToTrainer } from './protocol';

/** Progress messages per second, at most: the metrics file keeps every step regardless. */
const PROGRESS_PER_SECOND = 10;

function send(message: FromTrainer): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

let cancelled = false;
let started = false;
let runId: string | null = null;

process.on('message', (raw: unknown) => {
  if (!isToTrainer(raw)) return;
  const message: ToTrainer = raw;
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (started) return;
  started = true;
  void run(message.request);
});

// Nothing should reject unobserved; if something does, report it as the job's failure rather than dying with a stack trace.
process.on('unhandledRejection', (reason: unknown) => {
  process.exitCode = 1;
  void send({
    type: 'failed',
    runId,
    error: { message: `internal error: ${describeError(reason)}`, code: 'INTERNAL' },
  }).finally(() => process.exit());
});

// A terminal's Ctrl-C reaches the whole process group: the caller decides, so treat it as a cancel.
process.on('SIGINT', () => {
  cancelled = true;
});
// Losing the parent (it crashed or closed) means nobody can cancel us: stop cleanly.
process.on('disconnect', () => {
  cancelled = true;
});

async function run(request: Extract<ToTrainer, { type: 'start' }>['request']): Promise<void> {
  let lastProgress = 0;
  try {
    const outcome = await runTrainingJob(
      request,
      {
        started: (info) => {
          runId = info.runId;
          void send({ type: 'started', ...info });
        },
        metric: (metric) => {
          const now = Date.now();
          if (metric.type === 'epoch' || now - lastProgress >= 1000 / PROGRESS_PER_SECOND) {
            lastProgress = now;
            void send({ type: 'progress', runId: runId ?? '', metric });
          }
        },
        checkpoint: (entry) => void send({ type: 'checkpoint', runId: runId ?? '', entry }),
        log: (level, text) => void send({ type: 'log', level, message: text }),
      },
      () => cancelled,
    );
    if (outcome.status === 'completed') await send({ type: 'finished', runId: outcome.runId });
    else await send({ type: 'cancelled', runId: outcome.runId, lastCheckpoint: outcome.lastCheckpoint });
  } catch (error) {
    const code = error instanceof InvertscopeError ? error.code : 'INTERNAL';
    await send({
      type: 'failed',
      runId,
      error: { message: describeError(error), code, stack: error instanceof Error ? error.stack : undefined },
    });
    process.exitCode = 1;
  } finally {
    process.disconnect?.();
    // Nothing should keep the process alive after its job; if something does, do not linger.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

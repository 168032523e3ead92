import { join } from 'node:path';
import { recordAbnormalEnd } from '../backend/recordAbnormalEnd';
import { errorFromFailure, type TrainRequest } from '../backend/protocol';
import { startTraining } from '../backend/trainingClient';
import { checkpointFileName } from '../core/store/runIds';
import { RunStore } from '../core/store/runStore';
import { hasResumePoint } from '../core/jobs/resumePoint';
import type { EpochMetric } from '../core/store/runTypes';
import { lossPartNames } from '../core/train/config';
import { commandLine, displayPath, runsArgs } from './commandLine';
import type { CliContext } from './context';
import { EXIT, exitCodeFor } from './exitCodes';
import { ProgressBar } from './progressBar';
import { EPOCH_DIGITS, formatCount, formatDuration, formatNumber } from '../shared/formatNumber';

/**
 * Drives one training session from the terminal: a progress bar and a line per
 * epoch on stderr (or every protocol message as a JSON line on stdout with
 * --json), Ctrl-C to stop after the current step and twice to kill.
 */
export async function runTrainingSession(request: TrainRequest, ctx: CliContext, json: boolean): Promise<number> {
  const updatedBefore =
    request.kind === 'resume'
      ? await new RunStore(request.runsFolder).readRun(request.runId).then(
          (r) => r.updatedAt,
          () => null,
        )
      : null;
  const bar = new ProgressBar(ctx.stderr);
  const session = startTraining(request, { recordAbnormalEnd, onStderr: (t) => bar.write(t) });
  const say = (line: string) => {
    if (!json) bar.log(line);
  };
  let interrupts = 0;
  const removeInterrupt = ctx.onInterrupt(() => {
    interrupts += 1;
    if (interrupts === 1) {
      say('Stopping after the current step (Ctrl-C again to stop at once)…');
      session.cancel();
    } else {
      session.kill();
    }
  });
  let totalEpochs = 0,
    firstEpoch = 1,
    stepsPerEpoch = 1;
  let partNames = lossPartNames('seed');
  const started = Date.now();
  session.onMessage((m) => {
    if (json) {
      ctx.stdout.write(`${JSON.stringify(m)}\n`);
      return;
    }
    switch (m.type) {
      case 'started':
        ({ totalEpochs, firstEpoch, stepsPerEpoch } = m);
        partNames = lossPartNames(m.objective);
        say(`run      ${displayPath(m.runDir, ctx.cwd)}`);
        break;
      case 'log':
        say(`${m.level === 'warn' ? 'warning: ' : ''}${m.message}`);
        break;
      case 'progress': {
        const metric = m.metric;
        if (metric.type === 'epoch') {
          say(epochLine(metric, totalEpochs, partNames));
        } else {
          const done = (metric.epoch - firstEpoch) * stepsPerEpoch + ((metric.step - 1) % stepsPerEpoch) + 1;
          const total = (totalEpochs - firstEpoch + 1) * stepsPerEpoch;
          bar.update(
            done / total,
            `epoch ${metric.epoch}/${totalEpochs} · loss ${formatNumber(metric.loss)} nats · ${formatCount(metric.samplesPerSecond)} samples/s`,
          );
        }
        break;
      }
      case 'checkpoint':
        say(`checkpoint  epoch ${m.entry.epoch} → ${m.entry.file}`);
        break;
      default:
        break;
    }
  });
  const outcome = await session.outcome;
  removeInterrupt();
  bar.done();
  if (json)
    return outcome.status === 'completed' ? EXIT.ok : outcome.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
  const elapsed = formatDuration((Date.now() - started) / 1000);
  // What to say about the run is read from the run store, not assumed: a refused resume changed nothing.
  const run = outcome.runId ? await runAfterSession(request.runsFolder, outcome.runId, updatedBefore) : null;
  const runDir = run?.folder ?? '';
  const where = runDir ? displayPath(runDir, ctx.cwd) : '';
  const target = totalEpochs || (request.kind === 'resume' ? request.epochs : request.config.epochs);
  // Commands to copy: a run id means nothing outside its runs folder, so that is named unless it is ./runs.
  const inRuns = runsArgs(request.runsFolder, ctx.cwd);
  switch (outcome.status) {
    case 'completed':
      ctx.stderr.write(`Done in ${elapsed}. Run: ${where}\n`);
      ctx.stderr.write(
        `Next: ${commandLine(['show', outcome.runId ?? where, ...inRuns])}  ·  ` +
          `${commandLine(['analyze', runDir ? displayPath(join(runDir, checkpointFileName(totalEpochs)), ctx.cwd) : where])}\n`,
      );
      return EXIT.ok;
    case 'cancelled':
      if (!run) ctx.stderr.write(`Stopped after ${elapsed}, before the run was created; nothing was written.\n`);
      else if (run.resumable) {
        ctx.stderr.write(
          `Stopped after ${elapsed}. Run ${where} is marked ${run.status}; continue it with: ` +
            `${commandLine(['resume', outcome.runId ?? where, '--epochs', String(target), ...inRuns])}\n`,
        );
      } else
        ctx.stderr.write(
          `Stopped after ${elapsed}. Run ${where} is marked ${run.status}; it stopped before a point it could resume from was saved.\n`,
        );
      return EXIT.cancelled;
    case 'failed':
      ctx.stderr.write(`Training failed: ${outcome.error?.message ?? 'unknown error'}\n`);
      if (run?.changed && run.status === 'failed')
        ctx.stderr.write(`Run ${where} is marked failed; its checkpoints are intact.\n`);
      return exitCodeFor(errorFromFailure(outcome.error));
  }
}

/** The run as the session left it: its status, whether this session changed it, and whether it can be resumed. */
async function runAfterSession(
  runsFolder: string,
  runId: string,
  updatedBefore: string | null,
): Promise<{ folder: string; status: string; changed: boolean; resumable: boolean } | null> {
  const store = new RunStore(runsFolder);
  try {
    const record = await store.readRun(runId);
    const folder = store.folderOf(runId);
    return {
      folder,
      status: record.status,
      changed: record.updatedAt !== updatedBefore,
      resumable: await hasResumePoint(folder),
    };
  } catch {
    return null;
  }
}

function epochLine(m: EpochMetric, total: number, names: readonly [string, string]): string {
  const parts = `(${names[0]} ${formatNumber(m.trainParts[0], EPOCH_DIGITS)} + ${names[1]} ${formatNumber(m.trainParts[1], EPOCH_DIGITS)})`;
  const bits = m.testBitsPerDim === undefined ? '' : ` (${formatNumber(m.testBitsPerDim, EPOCH_DIGITS)} bits/dim)`;
  // Epoch 0 is the initialized model: evaluated, never trained, so it has no throughput.
  const speed = Number.isFinite(m.samplesPerSecond)
    ? `  ${formatCount(m.samplesPerSecond)} samples/s`
    : '  initialized model';
  return `epoch ${String(m.epoch).padStart(String(total).length)}/${total}  train ${formatNumber(m.trainLoss, EPOCH_DIGITS)} nats ${parts}  test ${formatNumber(m.testLoss, EPOCH_DIGITS)} nats${bits}${speed}`;
}

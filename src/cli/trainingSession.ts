import { join } from 'node:path';
import { recordAbnormalEnd } from '../backend/recordAbnormalEnd';
import { errorFromFailure, type TrainRequest } from '../backend/protocol';
import { startTraining } from '../backend/trainingClient';
import { checkpointFileName } from '../core/store/runIds';
import type { EpochMetric } from '../core/store/runTypes';
import { lossPartNames } from '../core/train/config';
import { commandLine, displayPath, runsArgs } from './commandLine';
import type { CliContext } from './context';
import { EXIT, exitCodeFor } from './exitCodes';
import { fmtInteger, fmtNumber, fmtSeconds } from './format';
import { ProgressBar } from './progressBar';

/**
 * Drives one training session from the terminal: a progress bar and a line per
 * epoch on stderr (or every protocol message as a JSON line on stdout with
 * --json), Ctrl-C to stop after the current step and twice to kill.
 */
export async function runTrainingSession(request: TrainRequest, ctx: CliContext, json: boolean): Promise<number> {
  const bar = new ProgressBar(ctx.stderr);
  const session = startTraining(request, { recordAbnormalEnd, onStderr: (t) => bar.write(t) });
  const say = (line: string) => { if (!json) bar.log(line); };
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
  let totalEpochs = 0, firstEpoch = 1, stepsPerEpoch = 1, runDir = '';
  let partNames = lossPartNames('seed');
  const started = Date.now();
  session.onMessage((m) => {
    if (json) {
      ctx.stdout.write(`${JSON.stringify(m)}\n`);
      return;
    }
    switch (m.type) {
      case 'started':
        ({ totalEpochs, firstEpoch, stepsPerEpoch, runDir } = m);
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
          bar.update(done / total, `epoch ${metric.epoch}/${totalEpochs} · loss ${fmtNumber(metric.loss)} nats · ${fmtInteger(metric.samplesPerSecond)} samples/s`);
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
  const where = runDir ? displayPath(runDir, ctx.cwd) : outcome.runId ?? '';
  if (json) return outcome.status === 'completed' ? EXIT.ok : outcome.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
  const elapsed = fmtSeconds((Date.now() - started) / 1000);
  // Commands to copy: a run id means nothing outside its runs folder, so that is named unless it is ./runs.
  const inRuns = runsArgs(request.runsFolder, ctx.cwd);
  switch (outcome.status) {
    case 'completed':
      ctx.stderr.write(`Done in ${elapsed}. Run: ${where}\n`);
      ctx.stderr.write(`Next: ${commandLine(['show', outcome.runId ?? where, ...inRuns])}  ·  `
        + `${commandLine(['analyze', runDir ? displayPath(join(runDir, checkpointFileName(totalEpochs)), ctx.cwd) : where])}\n`);
      return EXIT.ok;
    case 'cancelled':
      ctx.stderr.write(`Stopped after ${elapsed}. Run ${where} is marked cancelled; continue it with: `
        + `${commandLine(['resume', outcome.runId ?? where, '--epochs', String(totalEpochs), ...inRuns])}\n`);
      return EXIT.cancelled;
    case 'failed':
      ctx.stderr.write(`Training failed: ${outcome.error?.message ?? 'unknown error'}\n`);
      if (outcome.runId) ctx.stderr.write(`Run ${where} is marked failed; its checkpoints are intact.\n`);
      return exitCodeFor(errorFromFailure(outcome.error));
  }
}

function epochLine(m: EpochMetric, total: number, names: readonly [string, string]): string {
  const parts = `(${names[0]} ${fmtNumber(m.trainParts[0])} + ${names[1]} ${fmtNumber(m.trainParts[1])})`;
  const bits = m.testBitsPerDim === undefined ? '' : ` (${fmtNumber(m.testBitsPerDim)} bits/dim)`;
  // Epoch 0 is the initialized model: evaluated, never trained, so it has no throughput.
  const speed = Number.isFinite(m.samplesPerSecond) ? `  ${fmtInteger(m.samplesPerSecond)} samples/s` : '  initialized model';
  return `epoch ${String(m.epoch).padStart(String(total).length)}/${total}  train ${fmtNumber(m.trainLoss)} nats ${parts}  test ${fmtNumber(m.testLoss)} nats${bits}${speed}`;
}

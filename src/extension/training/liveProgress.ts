/**
 * Live training progress from the trainer's messages (or the metrics a CLI run
 * writes), and the texts the status bar and the progress notification show.
 */
import type { FromTrainer, StartedInfo } from '../../backend/protocol';
import type { MetricRecord } from '../../core/store/runTypes';
import { formatCount, formatNumber } from '../../shared/formatNumber';

/** Progress of a run that is training now, from the trainer's messages or the tail of metrics.jsonl. */
export interface LiveProgress {
  readonly epoch: number;
  readonly totalEpochs: number;
  /** Fraction of the current epoch done, 0..1 (0 when unknown). */
  readonly epochFraction: number;
  /** The latest step loss; null before the first step. */
  readonly loss: number | null;
  readonly samplesPerSecond: number | null;
}

export interface SessionShape {
  readonly firstEpoch: number;
  readonly totalEpochs: number;
  /** 0 when unknown (a CLI run seen only through its files). */
  readonly stepsPerEpoch: number;
}

export function shapeFromStarted(info: StartedInfo): SessionShape {
  return { firstEpoch: info.firstEpoch, totalEpochs: info.totalEpochs, stepsPerEpoch: info.stepsPerEpoch };
}

/** Folds one metric into the progress; epoch summaries finish their epoch. */
export function applyMetric(previous: LiveProgress | null, metric: MetricRecord, shape: SessionShape): LiveProgress {
  if (metric.type === 'epoch') {
    return {
      epoch: metric.epoch,
      totalEpochs: shape.totalEpochs,
      epochFraction: 1,
      loss: metric.trainLoss,
      samplesPerSecond: metric.samplesPerSecond,
    };
  }
  const stepInEpoch = shape.stepsPerEpoch > 0 ? metric.step - (metric.epoch - 1) * shape.stepsPerEpoch : 0;
  return {
    epoch: metric.epoch,
    totalEpochs: shape.totalEpochs,
    epochFraction:
      shape.stepsPerEpoch > 0
        ? clamp01(stepInEpoch / shape.stepsPerEpoch)
        : previous?.epoch === metric.epoch
          ? previous.epochFraction
          : 0,
    loss: metric.loss,
    samplesPerSecond: metric.samplesPerSecond,
  };
}

/** Progress after a trainer message, or the previous one when the message carries none. */
export function applyTrainerMessage(
  previous: LiveProgress | null,
  message: FromTrainer,
  shape: SessionShape | null,
): LiveProgress | null {
  switch (message.type) {
    case 'started':
      return {
        epoch: message.firstEpoch,
        totalEpochs: message.totalEpochs,
        epochFraction: 0,
        loss: null,
        samplesPerSecond: null,
      };
    case 'progress':
      return shape ? applyMetric(previous, message.metric, shape) : previous;
    default:
      return previous;
  }
}

/** Progress of a run known only through its files: the last metric record, if any. */
export function progressFromMetrics(metrics: readonly MetricRecord[], totalEpochs: number): LiveProgress | null {
  const last = metrics[metrics.length - 1];
  if (!last) return null;
  return applyMetric(null, last, { firstEpoch: 1, totalEpochs, stepsPerEpoch: 0 });
}

/** Share of the session's work done, 0..1, for the progress notification. */
export function sessionFraction(progress: LiveProgress | null, shape: SessionShape | null): number {
  if (!progress || !shape) return 0;
  const epochs = shape.totalEpochs - shape.firstEpoch + 1;
  if (epochs <= 0) return 1;
  return clamp01((progress.epoch - shape.firstEpoch + progress.epochFraction) / epochs);
}

/** "epoch 3/10 · loss 1.234 · 950 samples/s" */
export function progressText(progress: LiveProgress | null): string {
  if (!progress) return 'starting…';
  const parts = [`epoch ${progress.epoch}/${progress.totalEpochs}`];
  if (progress.loss !== null) parts.push(`loss ${formatNumber(progress.loss)}`);
  if (progress.samplesPerSecond !== null) parts.push(`${formatCount(progress.samplesPerSecond)} samples/s`);
  return parts.join(' · ');
}

/** The status bar item's text: the newest training, the engine that trains it once known, and how many others run. */
export function statusBarText(
  progress: LiveProgress | null,
  modelName: string,
  otherActive: number,
  engine: string | null = null,
): string {
  const more = otherActive > 0 ? ` (+${otherActive})` : '';
  return `$(sync~spin) ${modelName}${engine ? ` on ${engine}` : ''}: ${progressText(progress)}${more}`;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

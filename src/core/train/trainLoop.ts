import { IMAGE_SIZE } from '../model/architecture';
import type { Dataset } from '../data/dataset';
import type { EpochMetric, StepMetric } from './metrics';
import { BatchBuffer, epochOrder } from './batches';
import type { BatchLoss, TrainingEngine } from './engine';

export interface LoopOptions {
  readonly engine: TrainingEngine;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly batchSize: number;
  readonly seed: number;
  /** Epochs already completed (0 for a new run); the loop runs epochs completed+1 .. lastEpoch. */
  readonly completedEpochs: number;
  readonly lastEpoch: number;
  /** Global step count already taken (for resumed runs). */
  readonly completedSteps: number;
  /** Where a run stopped inside epoch completedEpochs+1, to continue it batch for batch. */
  readonly partialEpoch?: PartialEpoch | null;
  readonly onStep?: (metric: StepMetric) => void;
  /** Awaited before the next epoch starts: the caller writes checkpoints and metrics here. */
  readonly onEpoch?: (metric: EpochMetric) => Promise<void> | void;
  /** Polled between steps; true stops the loop before the next step. */
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
  /** When set (a flow on dequantized pixels), each epoch records testBitsPerDim = this of the test loss. */
  readonly testBitsPerDim?: (testLoss: number) => number;
}

export interface LoopResult {
  readonly stopped: boolean;
  readonly completedEpochs: number;
  readonly completedSteps: number;
  /** Set when stopped inside an epoch: what is needed to finish that epoch later. */
  readonly partialEpoch: PartialEpoch | null;
}

/** The running sums of an epoch cut short, so its metrics come out as if uninterrupted. */
export interface PartialEpoch {
  readonly epoch: number;
  readonly batchesDone: number;
  readonly samplesDone: number;
  readonly lossSum: number;
  readonly partSums: readonly [number, number];
}

/**
 * Runs training epochs over shuffled mini-batches (the last one may be partial,
 * as PyTorch's DataLoader does by default) and evaluates the test split after
 * each epoch. Between steps it yields to the event loop so a cancel request can
 * arrive; a stop takes effect between steps, never in the middle of one.
 */
export async function runTrainingLoop(options: LoopOptions): Promise<LoopResult> {
  const { engine, train, test, batchSize, seed } = options;
  const now = options.now ?? (() => performance.now());
  const buffer = new BatchBuffer(batchSize, IMAGE_SIZE);
  const started = now();
  let step = options.completedSteps;
  const window = new ThroughputWindow(now);

  let resume = options.partialEpoch ?? null;
  if (resume && resume.epoch !== options.completedEpochs + 1) {
    throw new RangeError(
      `training loop: a partial epoch ${resume.epoch} cannot follow ${options.completedEpochs} completed epochs`,
    );
  }
  for (let epoch = options.completedEpochs + 1; epoch <= options.lastEpoch; epoch++) {
    const order = epochOrder(train.count, seed, epoch);
    const epochStarted = now();
    let lossSum = resume?.lossSum ?? 0,
      part0 = resume?.partSums[0] ?? 0,
      part1 = resume?.partSums[1] ?? 0;
    let batches = resume?.batchesDone ?? 0;
    const resumedSamples = resume?.samplesDone ?? 0;
    resume = null;
    for (let start = batches * batchSize; start < train.count; start += batchSize) {
      await yieldToEventLoop();
      if (options.shouldStop?.()) {
        const partialEpoch =
          batches === 0
            ? null
            : { epoch, batchesDone: batches, samplesDone: start, lossSum, partSums: [part0, part1] as const };
        return { stopped: true, completedEpochs: epoch - 1, completedSteps: step, partialEpoch };
      }
      const count = buffer.fill(train, order, start, Math.min(batchSize, train.count - start));
      const result = await engine.trainStep(buffer.images, buffer.labels, count);
      step += 1;
      batches += 1;
      lossSum += result.loss * count;
      part0 += result.parts[0] * count;
      part1 += result.parts[1] * count;
      window.add(count);
      options.onStep?.({
        type: 'step',
        epoch,
        step,
        loss: result.loss,
        parts: [result.parts[0], result.parts[1]],
        samplesPerSecond: window.rate(),
        wallSeconds: (now() - started) / 1000,
      });
    }
    const trainSeconds = (now() - epochStarted) / 1000;
    const evaluation = await evaluateDataset(engine, test, buffer);
    await options.onEpoch?.({
      type: 'epoch',
      epoch,
      trainLoss: lossSum / train.count,
      trainParts: [part0 / train.count, part1 / train.count],
      testLoss: evaluation.loss,
      testParts: [evaluation.parts[0], evaluation.parts[1]],
      ...(options.testBitsPerDim ? { testBitsPerDim: options.testBitsPerDim(evaluation.loss) } : {}),
      samplesPerSecond: (train.count - resumedSamples) / trainSeconds,
      wallSeconds: (now() - started) / 1000,
    });
  }
  return { stopped: false, completedEpochs: options.lastEpoch, completedSteps: step, partialEpoch: null };
}

/** Mean loss and parts over a whole dataset, in batches, weighting each batch by its size. */
export async function evaluateDataset(engine: TrainingEngine, data: Dataset, buffer: BatchBuffer): Promise<BatchLoss> {
  let loss = 0,
    p0 = 0,
    p1 = 0;
  for (let start = 0; start < data.count; start += buffer.capacity) {
    const count = buffer.fillRange(data, start, Math.min(buffer.capacity, data.count - start));
    const r = await engine.evaluate(buffer.images, buffer.labels, count);
    loss += r.loss * count;
    p0 += r.parts[0] * count;
    p1 += r.parts[1] * count;
  }
  return { loss: loss / data.count, parts: [p0 / data.count, p1 / data.count] };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Samples per second over roughly the last second, so the figure follows changes quickly. */
class ThroughputWindow {
  private readonly marks: Array<[number, number]> = [];

  constructor(private readonly now: () => number) {
    this.marks.push([now(), 0]);
  }

  add(samples: number): void {
    this.marks.push([this.now(), samples]);
    const cutoff = this.now() - 1000;
    while (this.marks.length > 2 && this.marks[1][0] < cutoff) this.marks.shift();
  }

  rate(): number {
    const first = this.marks[0][0];
    const last = this.marks[this.marks.length - 1][0];
    let samples = 0;
    for (let i = 1; i < this.marks.length; i++) samples += this.marks[i][1];
    return last > first ? (samples * 1000) / (last - first) : 0;
  }
}

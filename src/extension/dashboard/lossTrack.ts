import type { MetricRecord } from '../../core/store/runTypes';
import type { EpochLoss, LossTrack } from '../../contracts/dashboardProtocol';

/** The most step points one run sends to the overlay; beyond it, consecutive steps are averaged. */
export const MAX_TRACK_POINTS = 20_000;

/**
 * Steps averaged into one overlay point for a run that will log `expectedSteps`
 * steps: fixed for the whole run (from its configured epochs), so points sent
 * live fit those sent before.
 *
 * @example stepsPerPoint(2 * 125) === 1; stepsPerPoint(500 * 125) === 4
 */
export function stepsPerPoint(expectedSteps: number): number {
  return Math.max(1, Math.ceil(expectedSteps / MAX_TRACK_POINTS));
}

/**
 * Turns a run's metric records, as they are read, into LossTrack pieces. Steps
 * are averaged in groups of `stepsPerPoint` by global step number; a group is
 * sent once complete (or when its epoch ends), so a live run's last point lags
 * by at most that many steps. One diverged step makes its group NaN.
 */
export class LossTrackBuilder {
  private group: { firstStep: number; count: number; stepSum: number; lossSum: number } | null = null;

  constructor(private readonly stepsPerPoint: number) {
    if (!(Number.isInteger(stepsPerPoint) && stepsPerPoint >= 1))
      throw new RangeError(`LossTrackBuilder: stepsPerPoint must be an integer ≥ 1, got ${stepsPerPoint}`);
  }

  /** The points and epochs the records complete, in file order. */
  add(records: readonly MetricRecord[]): LossTrack {
    const stepX: number[] = [];
    const stepLoss: number[] = [];
    const epochs: EpochLoss[] = [];
    const close = (): void => {
      if (!this.group) return;
      stepX.push(this.group.stepSum / this.group.count);
      stepLoss.push(this.group.lossSum / this.group.count);
      this.group = null;
    };
    for (const record of records) {
      if (record.type === 'epoch') {
        close();
        epochs.push({
          epoch: record.epoch,
          trainLoss: record.trainLoss,
          testLoss: record.testLoss,
          testBitsPerDim: typeof record.testBitsPerDim === 'number' ? record.testBitsPerDim : null,
        });
        continue;
      }
      const slot = Math.floor((record.step - 1) / this.stepsPerPoint);
      if (this.group && Math.floor((this.group.firstStep - 1) / this.stepsPerPoint) !== slot) close();
      // JSON null (a diverged step read back) counts as NaN, as in the inspector.
      const loss = typeof record.loss === 'number' && Number.isFinite(record.loss) ? record.loss : Number.NaN;
      if (!this.group) this.group = { firstStep: record.step, count: 0, stepSum: 0, lossSum: 0 };
      this.group.count++;
      this.group.stepSum += record.step;
      this.group.lossSum += loss;
      if (this.group.count >= this.stepsPerPoint) close();
    }
    return { stepsPerPoint: this.stepsPerPoint, stepX, stepLoss, epochs };
  }
}

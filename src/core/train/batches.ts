import type { Dataset } from '../data/dataset';
import { createRng } from '../random/rng';

/**
 * The order in which an epoch visits the training set: a permutation drawn from
 * the run's seed and the epoch number alone, so a resumed run sees exactly the
 * batches an uninterrupted one would.
 */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return createRng(seed).fork(`epoch-${epoch}`).shuffle(order);
}

/** Reusable batch buffers, filled in place so training allocates nothing per step. */
export class BatchBuffer {
  readonly images: Float32Array;
  readonly labels: Uint8Array;

  constructor(
    readonly capacity: number,
    private readonly width: number,
  ) {
    this.images = new Float32Array(capacity * width);
    this.labels = new Uint8Array(capacity);
  }

  /** Copies rows `order[start .. start+count)` of `source`; returns count. */
  fill(source: Dataset, order: ArrayLike<number>, start: number, count: number): number {
    const w = this.width;
    for (let k = 0; k < count; k++) {
      const i = order[start + k];
      this.images.set(source.images.subarray(i * w, (i + 1) * w), k * w);
      this.labels[k] = source.labels[i];
    }
    return count;
  }

  /** Copies rows start .. start+count of `source` in their stored order; returns count. */
  fillRange(source: Dataset, start: number, count: number): number {
    const w = this.width;
    this.images.set(source.images.subarray(start * w, (start + count) * w));
    this.labels.set(source.labels.subarray(start, start + count));
    return count;
  }
}

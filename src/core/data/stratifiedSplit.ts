import { InvertscopeError } from '../errors';
import { createRng } from '../random/rng';
import { largestRemainder } from './largestRemainder';

export interface SplitCounts {
  readonly trainCount: number;
  readonly testCount: number;
}

/** Disjoint index lists into the source dataset. */
export interface IndexSplit {
  readonly train: number[];
  readonly test: number[];
}

/** The split the npm digits get unless a run asks for another. */
export const DEFAULT_SPLIT_COUNTS: SplitCounts = { trainCount: 8000, testCount: 2000 };

/**
 * Throws a BAD_INPUT error naming the field when the counts cannot be drawn from
 * `available` images: each must be a whole number ≥ 1 and together at most `available`.
 */
function validateSplitCounts(counts: SplitCounts, available: number): void {
  for (const field of ['trainCount', 'testCount'] as const) {
    const value = counts[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvertscopeError('BAD_INPUT', `${field} must be a whole number ≥ 1, got ${value}`, { field, value });
    }
  }
  const sum = counts.trainCount + counts.testCount;
  if (sum > available) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `trainCount + testCount = ${counts.trainCount} + ${counts.testCount} = ${sum} exceeds the ${available} images available`,
      { field: 'trainCount', value: counts.trainCount },
    );
  }
}

/**
 * Chooses disjoint train and test indices so that every class keeps its share of
 * the source in both lists. Per class, the train and test sizes are the
 * largest-remainder apportionment of trainCount and testCount by class size (so
 * both totals are exact), and the members are drawn by shuffling that class's
 * indices with `createRng(seed).fork('split')`. Both lists are then shuffled with
 * the same stream, so any prefix is itself close to stratified. The same labels,
 * counts and seed always give the same lists.
 *
 * @example
 *   const { train, test } = stratifiedSplit(source.labels, 10, { trainCount: 8000, testCount: 2000 }, 0);
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  classes: number,
  counts: SplitCounts,
  seed: number,
): IndexSplit {
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(`stratifiedSplit: classes must be a positive integer, got ${classes}`);
  }
  validateSplitCounts(counts, labels.length);

  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new RangeError(`stratifiedSplit: labels[${i}] = ${label} is outside 0..${classes - 1}`);
    }
    members[label].push(i);
  }
  const sizes = members.map((m) => m.length);
  const trainPerClass = largestRemainder(counts.trainCount, sizes);
  // Capping test by what train left over keeps the two disjoint even when they use every image.
  const testPerClass = largestRemainder(
    counts.testCount,
    sizes,
    sizes.map((n, c) => n - trainPerClass[c]),
  );

  const rng = createRng(seed).fork('split');
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((indices, c) => {
    rng.shuffle(indices);
    for (let k = 0; k < trainPerClass[c]; k++) train.push(indices[k]);
    for (let k = trainPerClass[c]; k < trainPerClass[c] + testPerClass[c]; k++) test.push(indices[k]);
  });
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}

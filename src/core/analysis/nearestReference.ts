import type { Dataset } from '../data/dataset';
import { balancedSelection, selectRows } from './balancedSelection';

/** Real images generated samples are compared with (the nearest-image distance), at most. */
export const NEAREST_REFERENCE_IMAGES = 8000;

/**
 * Per training set, its reference rows. A process that analyses many
 * checkpoints of one data set (the extension's analysis process, a
 * reproduction) gets the same array each time, so nearestDistances keeps its
 * compressed form in kernel memory instead of rebuilding it: together about
 * 0.1 s of every full analysis of a Base checkpoint.
 */
const references = new WeakMap<Dataset, { readonly n: number; readonly rows: Float32Array }>();

/**
 * The first NEAREST_REFERENCE_IMAGES images of `train`, round-robin over its
 * classes, as one row-major array: what a sample's distance to the nearest
 * real image is measured against. The array is shared; callers must not
 * modify it.
 *
 * @example
 *   const reference = nearestReference(split.train, 784);
 *   nearestDistances(samples, count, reference, reference.length / 784, 784);
 */
export function nearestReference(train: Dataset, n: number): Float32Array {
  const kept = references.get(train);
  if (kept?.n === n) return kept.rows;
  const rows = selectRows(train.images, n, balancedSelection(train.labels, train.classes, NEAREST_REFERENCE_IMAGES));
  references.set(train, { n, rows });
  return rows;
}

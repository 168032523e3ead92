import { WEIGHT_CHUNK_ROWS } from './denseLayout';

/**
 * The work of one training step of a dense network, as phases of independent items.
 * Threads claim items of the current phase one at a time (an atomic counter per phase)
 * and meet at a barrier between phases, so a thread that the operating system delays
 * simply claims fewer items. Who computes an item never changes its numbers.
 *
 * Backward, the input gradient of layer l and the weight update of layer l+1 share a
 * phase: they touch different weights, and W_l is updated one phase after its input
 * gradient read it.
 */
export const ITEM = {
  /** Rows [begin, end) of layer `layer`'s output: product, bias, activation. */
  forward: 1,
  /** Samples [begin, end) of the loss (and the last activation's derivative). */
  loss: 2,
  /** Rows [begin, end) of the gradient wrt layer `layer`'s input, times the previous activation's derivative. */
  inputGrad: 3,
  /**
   * Rows [begin, end) of W_layer and b_layer: their gradients, then Adam. Rows of a
   * row-major W, and of its moments, are one contiguous run: Adam over row chunks ran
   * ~2.5× faster here than over column chunks, which touch 784 separate short segments.
   */
  weightGrad: 4,
} as const;

export type ItemKind = (typeof ITEM)[keyof typeof ITEM];

export interface WorkItem {
  readonly kind: ItemKind;
  readonly layer: number;
  readonly begin: number;
  readonly end: number;
}

/** One phase's items, largest first so that the last items to be claimed are small. */
export type Phase = readonly WorkItem[];

export interface DensePlan {
  readonly forward: readonly Phase[];
  readonly backward: readonly Phase[];
}

// Products of rows × batch: a 5-row tile is the unit, a chunk at least 4 tiles.
const ROW_ALIGN = 5;
const MIN_ROWS = 20;
// A weight-gradient chunk's rows (WEIGHT_CHUNK_ROWS × width floats) stay in L2 until Adam reads them.
const MAX_WEIGHT_ROWS = WEIGHT_CHUNK_ROWS;
/** Samples per loss item. */
export const LOSS_CHUNK = 8;

/**
 * Boundaries of guided chunks of [0, total) in steps of `align`: each chunk costs what is
 * left over twice the thread count (at least minCost, at most maxSize rows), so chunks
 * shrink towards the end. rowCost(i) is row i's cost (1 by default: minCost counts rows).
 *
 * @example
 *   guidedChunks(100, 2, 5, 10); // [0, 25, 45, 60, 70, 80, 90, 100]
 */
export function guidedChunks(
  total: number,
  threads: number,
  align: number,
  minCost: number,
  maxSize = Infinity,
  rowCost: (row: number) => number = () => 1,
): number[] {
  const prefix = new Float64Array(total + 1);
  for (let i = 0; i < total; i++) prefix[i + 1] = prefix[i] + rowCost(i);
  const bounds = [0];
  let position = 0;
  while (position < total) {
    const target = Math.max(minCost, (prefix[total] - prefix[position]) / (2 * threads));
    let end = Math.min(total, position + align);
    while (end < total && end - position + align <= maxSize && prefix[end] - prefix[position] < target)
      end = Math.min(total, end + align);
    bounds.push(end);
    position = end;
  }
  return bounds;
}

function items(kind: ItemKind, layer: number, bounds: number[]): WorkItem[] {
  return bounds.slice(1).map((end, i) => ({ kind, layer, begin: bounds[i], end }));
}

// Within a phase, the items of one kind and layer stay together (a thread packs that
// product's right operand once, and claims move forward through the list), largest first.
function group(...kinds: WorkItem[][]): Phase {
  return kinds.flatMap((list) => [...list].sort((a, b) => b.end - b.begin - (a.end - a.begin)));
}

export function createDensePlan(width: number, layers: number, threads: number): DensePlan {
  const rows = guidedChunks(width, threads, ROW_ALIGN, MIN_ROWS);
  const weightRows = guidedChunks(width, threads, ROW_ALIGN, MIN_ROWS, MAX_WEIGHT_ROWS);
  const forward = Array.from({ length: layers }, (_, l) => group(items(ITEM.forward, l, rows)));
  const update = (l: number) => items(ITEM.weightGrad, l, weightRows);
  const backward: Phase[] = [];
  for (let l = layers - 1; l >= 1; l--) {
    backward.push(group(items(ITEM.inputGrad, l, rows), l + 1 < layers ? update(l + 1) : []));
  }
  backward.push(group(layers > 1 ? update(1) : [], update(0)));
  return { forward, backward };
}

import { guidedChunks } from './densePlan';
import { FLOW_CHUNK_ROWS, panelCount } from './flowLayout';

/**
 * The work of one flow training step as phases of independent items, which the pool's
 * threads claim one at a time (as densePlan's). Who computes an item never changes its
 * numbers, and neither does how rows are cut into items: every output value is one tile's
 * sum over the same inner indices (the zeros of a triangle add nothing), so any thread
 * count gives identical results.
 *
 * Block l's backward pass takes two phases. B1(l): dV_l = L_lᵀ·dW_l (reads L_l), with the
 * bias update of l and the U-update of block l + 1 (whose Uᵀ product ran in B2(l + 1)).
 * B2(l): dH_l = U_lᵀ·dV_l (reads U_l) fused with block l − 1's activation gradient, with
 * the L-update of l (L_l was read in B1(l)). So each factor is updated one phase after its
 * last read, and each backward phase pairs a triangular product with a masked outer
 * product of the same size.
 */
export const FLOW_ITEM = {
  /** Panels [begin, end) of the input, from batch-major to panels. */
  input: 1,
  /** Rows [begin, end) of V = U·H (and of u_ii). */
  forwardU: 2,
  /** Rows [begin, end) of L·V, placed as pre-activations with bias and activation. */
  forwardL: 3,
  /** Panel `begin` (8 samples): latent, negative counts, and the last layer's gradient. */
  loss: 4,
  /** Rows [begin, end) of dV = Lᵀ·dW. */
  backwardL: 5,
  /** Rows [begin, end) of dH = Uᵀ·dV, through the previous block's activation. */
  backwardU: 6,
  /** Rows [begin, end) of L's gradient, then Adam. */
  gradL: 7,
  /** Rows [begin, end) of U's and ln|u_ii|'s gradients, then Adam. */
  gradU: 8,
  /** Bias entries [begin, end): gradient and Adam. */
  bias: 9,
  /** Features [begin, end) of a learned prior: gradient, Adam and 1/σ. */
  prior: 10,
} as const;

export type FlowItemKind = (typeof FLOW_ITEM)[keyof typeof FLOW_ITEM];

export interface FlowItem {
  readonly kind: FlowItemKind;
  readonly block: number;
  readonly begin: number;
  readonly end: number;
}

export type FlowPhase = readonly FlowItem[];

export interface FlowPlan {
  /** Input, then two phases per block, then the loss: all an evaluation runs. */
  readonly forward: readonly FlowPhase[];
  readonly backward: readonly FlowPhase[];
}

// A product item is whole 5-row tiles; items shrink as the phase's work runs out, to a floor.
const TILE = 5;
const MIN_SHARE = 1 / 48;

/** Chunks of [0, total) by cost, shrinking to a floor of MIN_SHARE of the whole (see guidedChunks). */
function costChunks(
  total: number,
  align: number,
  rowCost: (row: number) => number,
  threads: number,
  maxRows = Infinity,
): number[] {
  let whole = 0;
  for (let i = 0; i < total; i++) whole += rowCost(i);
  return guidedChunks(total, threads, align, whole * MIN_SHARE, maxRows, rowCost);
}

function items(
  kind: FlowItemKind,
  block: number,
  bounds: readonly number[],
  rowCost: (row: number) => number,
): FlowItem[] {
  const list = bounds.slice(1).map((end, i) => ({ kind, block, begin: bounds[i], end }));
  const cost = (item: FlowItem) => {
    let sum = 0;
    for (let i = item.begin; i < item.end; i++) sum += rowCost(i);
    return sum;
  };
  // Largest first within a kind and block, so that the last items claimed are small.
  return list.sort((a, b) => cost(b) - cost(a));
}

export interface FlowPlanShape {
  readonly width: number;
  readonly blocks: number;
  readonly maxBatch: number;
  /** Whether a learned prior trains (adds its items to the first backward phase). */
  readonly learnedPrior: boolean;
  readonly threads: number;
}

export function createFlowPlan(shape: FlowPlanShape): FlowPlan {
  const { width: n, blocks, threads } = shape;
  // Cost of one row of each product: a triangle's row is as long as its tile's inner range.
  const upper = (i: number) => n - (i - (i % TILE));
  const lower = (i: number) => Math.min(n, i - (i % TILE) + TILE);
  const product = (kind: FlowItemKind, block: number, cost: (i: number) => number) =>
    items(kind, block, costChunks(n, TILE, cost, threads), cost);
  const factor = (kind: FlowItemKind, block: number, cost: (i: number) => number) =>
    items(kind, block, costChunks(n, TILE, cost, threads, FLOW_CHUNK_ROWS), cost);
  const gradL = (l: number) => factor(FLOW_ITEM.gradL, l, (i) => i + 1);
  const gradU = (l: number) => factor(FLOW_ITEM.gradU, l, (i) => n - i);
  const bias = (l: number) =>
    items(
      FLOW_ITEM.bias,
      l,
      costChunks(n, TILE, () => 1, threads, FLOW_CHUNK_ROWS),
      () => 1,
    );

  const panels = panelCount(shape.maxBatch);
  const forward: FlowPhase[] = [
    items(
      FLOW_ITEM.input,
      0,
      costChunks(panels, 1, () => 1, threads),
      () => 1,
    ),
  ];
  for (let l = 0; l < blocks; l++) {
    forward.push(product(FLOW_ITEM.forwardU, l, upper));
    forward.push(product(FLOW_ITEM.forwardL, l, lower));
  }
  forward.push(
    Array.from({ length: panels }, (_, p) => ({ kind: FLOW_ITEM.loss, block: blocks - 1, begin: p, end: p + 1 })),
  );

  const backward: FlowPhase[] = [];
  for (let l = blocks - 1; l >= 0; l--) {
    backward.push([
      ...product(FLOW_ITEM.backwardL, l, upper),
      ...(l + 1 < blocks ? gradU(l + 1) : []),
      ...bias(l),
      ...(l === blocks - 1 && shape.learnedPrior
        ? items(
            FLOW_ITEM.prior,
            blocks - 1,
            costChunks(n, 1, () => 1, threads, FLOW_CHUNK_ROWS),
            () => 1,
          )
        : []),
    ]);
    backward.push([
      ...(l > 0 ? product(FLOW_ITEM.backwardU, l, lower) : []),
      ...gradL(l),
      ...(l === 0 ? gradU(0) : []),
    ]);
  }
  return { forward, backward };
}

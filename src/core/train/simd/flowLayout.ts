import type { WasmHeap } from '../../wasm/heap';
import { CONTROL_BYTES } from '../../wasm/poolControl';
import type { FlowBlock } from './flowStages';

/** Samples per panel of the panel layout (see assembly/flow.ts). */
const PANEL_LANES = 8;
/** The most rows one factor-gradient or bias item covers: its gradient rows stay in L2 until Adam reads them. */
export const FLOW_CHUNK_ROWS = 40;
/** Int32 slots between two phase counters (one cache line). */
export const FLOW_COUNTER_STRIDE = 16;

/** Where one block's tensors live (byte offsets). */
export interface BlockBuffers {
  /** LeakyReLU slope after the layer; 0: none. */
  readonly slope: number;
  readonly packed: number;
  readonly packedFirst: number;
  readonly packedSecond: number;
  readonly sign: number;
  /** Int32 perm and its inverse. */
  readonly perm: number;
  readonly inverse: number;
  /** u_ii = sign_i·e^{s_i}, refreshed by every forward pass. */
  readonly diag: number;
  readonly bias: number;
  readonly biasFirst: number;
  readonly biasSecond: number;
  /** Panel layout: U·H, the pre-activation a, the output y (= a without an activation). */
  readonly v: number;
  readonly a: number;
  readonly y: number;
}

export interface PriorBuffers {
  readonly classes: number;
  readonly mean: number;
  readonly logStd: number;
  /** e^{−ln σ}, refreshed wherever ln σ changes. */
  readonly invStd: number;
  readonly meanFirst: number;
  readonly meanSecond: number;
  readonly logStdFirst: number;
  readonly logStdSecond: number;
}

export interface FlowThreadBuffers {
  /** Scratch tile and one packed 5-row tile of a left operand. */
  readonly work: number;
  /** A gradient product's right operand: Xᵀ in feature panels (ceil(n/8) × maxBatch × 8 floats). */
  readonly columns: number;
  /** Gradient rows of a factor item: (FLOW_CHUNK_ROWS + 5) × chunkStride floats. */
  readonly chunk: number;
  readonly biasGrad: number;
  /** A learned prior's gradient: 2 × classes × FLOW_CHUNK_ROWS floats. */
  readonly priorGrad: number;
}

/**
 * Every buffer of a flow's training step in the shared memory, allocated once. Plain
 * numbers, so it travels to worker threads as is.
 */
export interface FlowLayout {
  readonly width: number;
  readonly maxBatch: number;
  readonly threads: number;
  readonly blocks: readonly BlockBuffers[];
  readonly prior: PriorBuffers | null;
  /** Batch-major input ([maxBatch][width]) as the caller stages it, and the same in panels. */
  readonly images: number;
  readonly x: number;
  readonly labels: number;
  /** Gradients wrt a layer's LU output and wrt U·H, two of each in rotation by layer parity. */
  readonly dw: readonly [number, number];
  readonly dv: readonly [number, number];
  /** Per sample [latent, weighted negative count] as Float64. */
  readonly parts: number;
  /** (Int32 pre-activation offset, Float32 −ln α) per block with an activation. */
  readonly acts: number;
  readonly actCount: number;
  /** Floats per row of a thread's gradient chunk (width rounded up to a panel). */
  readonly chunkStride: number;
  readonly threadBuffers: readonly FlowThreadBuffers[];
  readonly counters: number;
  readonly counterCount: number;
  readonly controlOffset: number;
}

export function panelCount(batch: number): number {
  return Math.ceil(batch / PANEL_LANES);
}

/** Allocates every buffer; nothing is allocated per step. */
export function allocateFlowLayout(
  heap: WasmHeap,
  blocks: readonly FlowBlock[],
  width: number,
  maxBatch: number,
  classes: number | null,
  threads: number,
  workspaceBytes: (k: number) => number,
  counterCount: number,
): FlowLayout {
  const n = width;
  const controlOffset = heap.alloc(CONTROL_BYTES);
  const activation = panelCount(maxBatch) * n * PANEL_LANES * 4;
  const square = n * n * 4;
  const vector = n * 4;
  const blockBuffers = blocks.map((block): BlockBuffers => {
    const a = heap.alloc(activation);
    return {
      slope: block.slope ?? 0,
      packed: heap.alloc(square),
      packedFirst: heap.alloc(square),
      packedSecond: heap.alloc(square),
      sign: heap.alloc(vector),
      perm: heap.alloc(vector),
      inverse: heap.alloc(vector),
      diag: heap.alloc(vector),
      bias: heap.alloc(vector),
      biasFirst: heap.alloc(vector),
      biasSecond: heap.alloc(vector),
      v: heap.alloc(activation),
      a,
      y: block.slope === null ? a : heap.alloc(activation),
    };
  });
  const prior =
    classes === null
      ? null
      : (() => {
          const table = classes * n * 4;
          return {
            classes,
            mean: heap.alloc(table),
            logStd: heap.alloc(table),
            invStd: heap.alloc(table),
            meanFirst: heap.alloc(table),
            meanSecond: heap.alloc(table),
            logStdFirst: heap.alloc(table),
            logStdSecond: heap.alloc(table),
          };
        })();
  const chunkStride = Math.ceil(n / PANEL_LANES) * PANEL_LANES;
  const actCount = blocks.filter((b) => b.slope !== null).length;
  return {
    width: n,
    maxBatch,
    threads,
    blocks: blockBuffers,
    prior,
    images: heap.alloc(maxBatch * n * 4),
    x: heap.alloc(activation),
    labels: heap.alloc(maxBatch),
    dw: [heap.alloc(activation), heap.alloc(activation)],
    dv: [heap.alloc(activation), heap.alloc(activation)],
    parts: heap.alloc(maxBatch * 16),
    acts: heap.alloc(Math.max(1, actCount) * 8),
    actCount,
    chunkStride,
    threadBuffers: Array.from({ length: threads }, () => ({
      work: heap.alloc(workspaceBytes(Math.max(n, maxBatch))),
      columns: heap.alloc(chunkStride * maxBatch * 4),
      chunk: heap.alloc((FLOW_CHUNK_ROWS + 5) * chunkStride * 4),
      biasGrad: heap.alloc(FLOW_CHUNK_ROWS * 4),
      priorGrad: heap.alloc(2 * Math.max(1, classes ?? 1) * FLOW_CHUNK_ROWS * 4),
    })),
    counters: heap.alloc(counterCount * FLOW_COUNTER_STRIDE * 4),
    counterCount,
    controlOffset,
  };
}

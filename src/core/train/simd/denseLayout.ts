import type { Architecture } from '../../model/architecture';
import type { WasmHeap } from '../../wasm/heap';
import { CONTROL_BYTES } from '../../wasm/poolControl';

/** Byte offsets of one parameter-shaped set of tensors (parameters, or one Adam moment). */
export interface TensorOffsets {
  readonly weights: readonly number[];
  readonly biases: readonly number[];
}

/**
 * Where every buffer of a dense network's training step lives in the shared memory.
 * Plain numbers, so it travels to worker threads as is.
 *
 * Activations and their gradients are feature-major ([width][count], one sample per
 * column). That keeps the weight matrix the left operand of every product: the forward
 * pass reads W's rows in place and the input gradient packs Wᵀ five rows at a time, while
 * the batch (the small dimension) is the packed right operand. Measured here, that runs
 * the [784×784]·[784×64] product at ~40 GFLOP/s per thread against ~26 for the batch-major
 * X·Wᵀ, which has to pack all of Wᵀ and stream it from L3 for every row tile.
 */
export interface DenseLayout {
  readonly width: number;
  readonly maxBatch: number;
  readonly activations: readonly boolean[];
  readonly negativeSlope: number;
  readonly threads: number;
  readonly params: TensorOffsets;
  readonly firstMoment: TensorOffsets;
  readonly secondMoment: TensorOffsets;
  /** Batch-major input images, [maxBatch][width] (as the caller passes them). */
  readonly images: number;
  /** One byte per sample. */
  readonly labels: number;
  /** Each layer's output after its activation, feature-major. */
  readonly outputs: readonly number[];
  /**
   * Three feature-major buffers for the gradients wrt layer outputs, in rotation: one
   * phase of the backward pass reads dZ_{l+1} and dZ_l and writes dZ_{l-1}.
   */
  readonly grads: readonly [number, number, number];
  /** Per sample [nll, variance penalty] as Float64. */
  readonly parts: number;
  /** Per thread: what it needs for its work items. */
  readonly threadBuffers: readonly ThreadBuffers[];
  /** One Int32 claim counter per phase, 64 bytes apart; zeroed before every run. */
  readonly counters: number;
  readonly counterCount: number;
  readonly controlOffset: number;
}

export interface ThreadBuffers {
  /** sgemm workspace holding the packed right operand of a forward or input-gradient product (width × maxBatch). */
  readonly productWork: number;
  /** sgemm workspace holding the packed right operand of a weight-gradient product (maxBatch × width). */
  readonly updateWork: number;
  /** A weight-gradient chunk: WEIGHT_CHUNK_ROWS rows × width, and its bias gradient. */
  readonly weightGrad: number;
  readonly biasGrad: number;
}

/** The most rows of W one weight-gradient item covers (see densePlan). */
export const WEIGHT_CHUNK_ROWS = 40;
/** Int32 slots between two phase counters (one cache line). */
export const COUNTER_STRIDE = 16;

function tensorSet(heap: WasmHeap, layers: number, width: number): TensorOffsets {
  const weights: number[] = [];
  const biases: number[] = [];
  for (let l = 0; l < layers; l++) {
    weights.push(heap.alloc(width * width * 4));
    biases.push(heap.alloc(width * 4));
  }
  return { weights, biases };
}

/** Allocates every buffer once; nothing is allocated per step. */
export function allocateDenseLayout(
  heap: WasmHeap,
  architecture: Architecture,
  maxBatch: number,
  threads: number,
  workspaceBytes: (k: number, cols: number) => number,
): DenseLayout {
  const width = architecture.width;
  const layers = architecture.layers.length;
  const controlOffset = heap.alloc(CONTROL_BYTES);
  const counterCount = 2 * layers + 1;
  const feature = width * maxBatch * 4;
  return {
    width,
    maxBatch,
    activations: architecture.layers.map((l) => l.activation),
    negativeSlope: architecture.negativeSlope,
    threads,
    params: tensorSet(heap, layers, width),
    firstMoment: tensorSet(heap, layers, width),
    secondMoment: tensorSet(heap, layers, width),
    images: heap.alloc(feature),
    labels: heap.alloc(maxBatch),
    outputs: architecture.layers.map(() => heap.alloc(feature)),
    grads: [heap.alloc(feature), heap.alloc(feature), heap.alloc(feature)],
    parts: heap.alloc(maxBatch * 16),
    threadBuffers: Array.from({ length: threads }, () => ({
      productWork: heap.alloc(workspaceBytes(width, maxBatch)),
      updateWork: heap.alloc(workspaceBytes(maxBatch, width)),
      weightGrad: heap.alloc(WEIGHT_CHUNK_ROWS * width * 4),
      biasGrad: heap.alloc(WEIGHT_CHUNK_ROWS * 4),
    })),
    counters: heap.alloc(counterCount * COUNTER_STRIDE * 4),
    counterCount,
    controlOffset,
  };
}

import { kernelMemory } from './linalgKernels';
import type { LuFactors } from './luTypes';

/** LU factors laid out in kernel memory for the row solves: LU, its transpose, the pivots. */
export interface PreparedFactors {
  readonly lu: number;
  readonly lut: number;
  readonly pivots: number;
  readonly bytes: number;
}

/** Factor sets kept at once: a Base network's layers in both precisions. */
const MAX_PREPARED = 8;

const prepared = new Map<LuFactors, PreparedFactors>();

/**
 * The factors in kernel memory, copied and transposed there on first use and
 * kept for later solves with the same factors object: an analysis solves
 * with each layer's factors dozens of times (every noise level, every
 * generated set), and the copy and transpose of a 784×784 LU cost as much as
 * solving a hundred rows. The last MAX_PREPARED sets are kept (least
 * recently used first out); releasePreparedFactors frees them all.
 */
export function preparedFactors(factors: LuFactors): PreparedFactors {
  const known = prepared.get(factors);
  if (known) {
    prepared.delete(factors);
    prepared.set(factors, known);
    return known;
  }
  const { heap, memory, kernels } = kernelMemory();
  const n = factors.n;
  const single = factors.precision === 'float32';
  const bytes = n * n * (single ? 4 : 8);
  const lu = heap.alloc(bytes);
  const lut = heap.alloc(bytes);
  const pivots = heap.alloc(n * 4);
  if (single) new Float32Array(memory.buffer, lu, n * n).set(factors.lu);
  else new Float64Array(memory.buffer, lu, n * n).set(factors.lu);
  new Int32Array(memory.buffer, pivots, n).set(factors.pivots);
  (single ? kernels.transpose_f32 : kernels.transpose_f64)(n, n, lu, lut);
  const entry = { lu, lut, pivots, bytes: 2 * bytes + n * 4 };
  prepared.set(factors, entry);
  while (prepared.size > MAX_PREPARED) {
    const [oldest, value] = prepared.entries().next().value as [LuFactors, PreparedFactors];
    prepared.delete(oldest);
    free(value);
  }
  return entry;
}

/** Frees every prepared factor set (an analysis calls it when it ends, so nothing of it stays in memory). */
export function releasePreparedFactors(): void {
  for (const value of prepared.values()) free(value);
  prepared.clear();
}

function free(value: PreparedFactors): void {
  const { heap } = kernelMemory();
  heap.release(value.lu);
  heap.release(value.lut);
  heap.release(value.pivots);
}

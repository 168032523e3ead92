import { loadF32Kernels, SGEMM, type F32Kernels } from '../wasm/f32Kernels';
import { createSharedMemory, WASM_PAGE_BYTES } from '../wasm/kernelModule';

/** Rows of X multiplied per kernel call: bounds the kernel memory for any batch. */
const CHUNK_ROWS = 1024;

interface State {
  readonly memory: WebAssembly.Memory;
  readonly kernels: F32Kernels;
}

let state: State | undefined;

/**
 * X·Wᵀ in float32 for X (m × k) and W (p × k), both row-major, with the SIMD
 * kernel the training engine uses for its forward pass: every product and
 * every partial sum is rounded to float32 (no fused multiply-add, no wider
 * accumulator), which is what a float32 network computes. For a layer, W is
 * its [out, in] weight and p = k = width. Runs on this thread.
 *
 * @example
 *   rowsTimesTransposed32(Float32Array.of(1, 2), 1, Float32Array.of(1, 0, 3, 4), 2, 2);  // Float32Array [1, 11]
 */
export function rowsTimesTransposed32(x: Float32Array, m: number, w: Float32Array, p: number, k: number): Float32Array {
  if (x.length !== m * k) throw new RangeError(`rowsTimesTransposed32: x must hold ${m}×${k} numbers, got ${x.length}`);
  if (w.length !== p * k) throw new RangeError(`rowsTimesTransposed32: w must hold ${p}×${k} numbers, got ${w.length}`);
  const out = new Float32Array(m * p);
  if (m === 0 || p === 0) return out;
  const { memory, kernels } = load();
  const rows = Math.min(m, CHUNK_ROWS);
  const align = (b: number) => Math.ceil(b / 64) * 64;
  const wAt = 1024;
  const xAt = align(wAt + p * k * 4);
  const yAt = align(xAt + rows * k * 4);
  const workAt = align(yAt + rows * p * 4);
  const end = workAt + kernels.sgemmWorkspaceBytes(k, p);
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / WASM_PAGE_BYTES));
  new Float32Array(memory.buffer, wAt, p * k).set(w);
  for (let r0 = 0; r0 < m; r0 += CHUNK_ROWS) {
    const r1 = Math.min(m, r0 + CHUNK_ROWS);
    new Float32Array(memory.buffer, xAt, (r1 - r0) * k).set(x.subarray(r0 * k, r1 * k));
    kernels.sgemm(SGEMM.TRANS_B, k, xAt, k, wAt, k, yAt, p, 0, r1 - r0, 0, p, workAt);
    out.set(new Float32Array(memory.buffer, yAt, (r1 - r0) * p), r0 * p);
  }
  return out;
}

function load(): State {
  if (!state) {
    // The kernel module imports a shared memory (it is built for worker threads), even used from one thread.
    const memory = createSharedMemory(16 * 2 ** 20);
    state = { memory, kernels: loadF32Kernels(memory) };
  }
  return state;
}

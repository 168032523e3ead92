// Direct access to the f32 kernels for tests: one shared memory, float32 arrays copied in
// at fresh offsets, results read back.
import { loadF32Kernels, type F32Kernels } from '../../../src/core/wasm/f32Kernels';
import { WasmHeap } from '../../../src/core/wasm/heap';
import { createSharedMemory } from '../../../src/core/wasm/kernelModule';
import { createRng, type Rng } from '../../../src/core/random/rng';

export class KernelHarness {
  readonly kernels: F32Kernels;
  private readonly heap: WasmHeap;

  constructor(readonly memory = createSharedMemory(64 << 20)) {
    this.heap = new WasmHeap(memory);
    this.kernels = loadF32Kernels(memory);
  }

  /** Copies values into a fresh 64-byte aligned region and returns its byte offset. */
  put(values: ArrayLike<number>): number {
    const offset = this.heap.alloc(Math.max(1, values.length) * 4);
    new Float32Array(this.memory.buffer, offset, values.length).set(values);
    return offset;
  }

  putBytes(values: ArrayLike<number>): number {
    const offset = this.heap.alloc(Math.max(1, values.length));
    new Uint8Array(this.memory.buffer, offset, values.length).set(values);
    return offset;
  }

  alloc(bytes: number): number {
    return this.heap.alloc(bytes);
  }

  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length).slice();
  }

  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, offset, length).slice();
  }
}

/** Float32-representable values uniform in [-1, 1) from a seeded stream. */
export function randomF32(rng: Rng, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

export { createRng };

/** The unit roundoff of float32. */
export const U32 = 2 ** -24;

/** γ_n = n·u / (1 − n·u): the standard bound factor for n rounded operations in sequence. */
export function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

import { compileKernelModule, createSharedMemory, instantiateKernelModule } from '../wasm/kernelModule';
import { KernelHeap } from './kernelHeap';

/**
 * The exports of the dense linear algebra kernels (src/core/wasm/assembly/linalg.ts).
 * Pointers are byte offsets into the module's memory, leading dimensions are in
 * elements, matrices are row-major.
 */
export type LinalgKernelExports = {
  gemm_work_bytes(elementBytes: number): number;
  bidiag_work_bytes(n: number): number;
  bidiag_sv_work_bytes(n: number): number;
  gemm_f64(
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  gemm_f32(
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  transpose_f64(rows: number, cols: number, src: number, dst: number): void;
  transpose_f32(rows: number, cols: number, src: number, dst: number): void;
  lu_f64(n: number, a: number, pivots: number, work: number): void;
  lu_f32(n: number, a: number, pivots: number, work: number): void;
  solve_rows_f64(n: number, count: number, lu: number, lut: number, pivots: number, y: number, work: number): void;
  solve_rows_f32(n: number, count: number, lu: number, lut: number, pivots: number, y: number, work: number): void;
  solve_rows_transposed_f64(
    n: number,
    count: number,
    lu: number,
    lut: number,
    pivots: number,
    y: number,
    work: number,
  ): void;
  solve_rows_transposed_f32(
    n: number,
    count: number,
    lu: number,
    lut: number,
    pivots: number,
    y: number,
    work: number,
  ): void;
  bidiag_f64(n: number, a: number, d: number, e: number, tauq: number, taup: number, work: number): void;
  bidiag_singular_values_f64(n: number, d: number, e: number, out: number, work: number): number;
  /** σmax and σmin of the bidiagonal into out[0], out[1], by the same bisection as bidiag_singular_values_f64. */
  bidiag_extreme_singular_values_f64(n: number, d: number, e: number, out: number, work: number): number;
};

/** Allocates regions of the kernel memory for one operation; see withScratch. */
export interface Scratch {
  readonly kernels: LinalgKernelExports;
  /** Byte offset of `count` float64 slots, zeroed unless `zeroed` is false (for a buffer the caller overwrites whole). */
  f64(count: number, zeroed?: boolean): number;
  /** Byte offset of `count` float32 slots, zeroed unless `zeroed` is false. */
  f32(count: number, zeroed?: boolean): number;
  /** Byte offset of `count` int32 slots, zeroed unless `zeroed` is false. */
  i32(count: number, zeroed?: boolean): number;
  /** Byte offset of `bytes` bytes, 64-byte aligned, zeroed unless `zeroed` is false. */
  bytes(bytes: number, zeroed?: boolean): number;
  /** Views on the memory as it is now (take them after the last allocation that may grow it). */
  float64(offset: number, count: number): Float64Array;
  float32(offset: number, count: number): Float32Array;
  int32(offset: number, count: number): Int32Array;
}

interface Loaded {
  readonly kernels: LinalgKernelExports;
  readonly memory: WebAssembly.Memory;
  readonly heap: KernelHeap;
}

let loaded: Loaded | undefined;

/** Bytes at the start of the memory that no allocation uses: the threads' control block (kernelThreads). */
const RESERVED_BYTES = 2048;
/** Where kernelThreads keeps its control block. */
export const CONTROL_OFFSET = 1024;

function load(): Loaded {
  if (!loaded) {
    const memory = createSharedMemory(32 * 2 ** 20);
    const kernels = instantiateKernelModule<LinalgKernelExports>(compileKernelModule('linalg'), memory);
    loaded = { kernels, memory, heap: new KernelHeap(memory, RESERVED_BYTES) };
    warmUp(loaded);
  }
  return loaded;
}

/**
 * The kernel memory, its allocator and this thread's f64 kernels: for code that
 * keeps buffers across calls (prepared factors, the threads' work areas) or runs
 * kernels on other threads (kernelThreads).
 */
export function kernelMemory(): Loaded {
  return load();
}

/**
 * Runs `body` with a scratch allocator over the kernel memory; everything it
 * allocates is released when it returns, so scratch frames nest. Synchronous
 * by design: the regions belong to this call alone.
 *
 * @example
 *   const sum = withScratch((s) => {
 *     const x = s.f64(3);
 *     s.float64(x, 3).set([1, 2, 3]);
 *     return s.float64(x, 3).reduce((a, b) => a + b, 0);  // 6
 *   });
 */
export function withScratch<R>(body: (scratch: Scratch) => R): R {
  const frame = openScratch();
  try {
    return body(frame);
  } finally {
    frame.release();
  }
}

/**
 * A scratch allocator whose regions live until `release()`: withScratch for
 * work that awaits (the caller releases in a `finally`).
 *
 * @example
 *   const frame = openScratch();
 *   try { await useBuffer(frame.f64(784)); } finally { frame.release(); }
 */
export function openScratch(): Scratch & { release(): void } {
  const { kernels, memory, heap } = load();
  const taken: number[] = [];
  const bytes = (count: number, zeroed = true): number => {
    const offset = heap.alloc(count);
    taken.push(offset);
    if (zeroed) new Uint8Array(memory.buffer, offset, count).fill(0);
    return offset;
  };
  return {
    kernels,
    f64: (count, zeroed) => bytes(count * 8, zeroed),
    f32: (count, zeroed) => bytes(count * 4, zeroed),
    i32: (count, zeroed) => bytes(count * 4, zeroed),
    bytes,
    float64: (offset, count) => new Float64Array(memory.buffer, offset, count),
    float32: (offset, count) => new Float32Array(memory.buffer, offset, count),
    int32: (offset, count) => new Int32Array(memory.buffer, offset, count),
    release() {
      for (let i = taken.length - 1; i >= 0; i--) heap.release(taken[i]);
      taken.length = 0;
    },
  };
}

/**
 * WebAssembly starts in a baseline compiler and moves a function to the
 * optimizing one only after it has run for a while; a long first call stays
 * slow (about 3× for the bidiagonalization). A few small calls of every kernel
 * get them optimized before real work arrives.
 */
function warmUp({ kernels: k, memory }: Loaded): void {
  const n = 72;
  // Below the heap's first region, before anything is allocated.
  const base = RESERVED_BYTES;
  const a = base,
    b = a + n * n * 8,
    piv = b + n * n * 8,
    v = piv + n * 4;
  const work = v + 4 * n * 8;
  const f64 = new Float64Array(memory.buffer);
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < n * n; i++) f64[a / 8 + i] = Math.sin(i * 0.7 + round) + (i % (n + 1) === 0 ? 4 : 0);
    k.bidiag_f64(n, a, v, v + n * 8, v + 2 * n * 8, v + 3 * n * 8, work);
    k.bidiag_singular_values_f64(n, v, v + n * 8, b, work);
    for (let i = 0; i < n * n; i++) f64[a / 8 + i] = Math.cos(i * 0.3 + round) + (i % (n + 1) === 0 ? 4 : 0);
    k.lu_f64(n, a, piv, work);
    k.transpose_f64(n, n, a, b);
    k.solve_rows_f64(n, 4, a, b, piv, v, work);
    k.solve_rows_transposed_f64(n, 1, a, b, piv, v, work);
    const f32 = new Float32Array(memory.buffer);
    for (let i = 0; i < n * n; i++) f32[a / 4 + i] = Math.cos(i * 0.3 + round) + (i % (n + 1) === 0 ? 4 : 0);
    k.lu_f32(n, a, piv, work);
    k.transpose_f32(n, n, a, b);
    k.solve_rows_f32(n, 4, a, b, piv, v, work);
    k.solve_rows_transposed_f32(n, 1, a, b, piv, v, work);
  }
}

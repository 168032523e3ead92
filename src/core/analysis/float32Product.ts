import { WORK } from '../linalg/kernelCalls';
import { kernelThreadCount, runKernelGroups, type KernelGroup } from '../linalg/kernelThreads';
import { kernelMemory, withScratch } from '../linalg/linalgKernels';
import { loadF32Kernels, SGEMM, type F32Kernels } from '../wasm/f32Kernels';

/** Rows of X per group at least: each group packs W once, so a group should be much more work than that. */
const MIN_CHUNK_ROWS = 256;

let kernels: F32Kernels | undefined;

/** The float32 training kernels on the kernel memory, for this thread. */
function f32Kernels(): F32Kernels {
  kernels ??= loadF32Kernels(kernelMemory().memory);
  return kernels;
}

/** Bytes of work area a thread needs for a product with W of p rows of k (sgemmWorkspaceBytes). */
export function sgemmWorkBytes(k: number, p: number): number {
  return f32Kernels().sgemmWorkspaceBytes(k, p);
}

/**
 * X·Wᵀ in float32 for X (m × k) and W (p × k), both row-major, with the SIMD
 * kernel the training engine uses for its forward pass: every product and
 * every partial sum is rounded to float32 (no fused multiply-add, no wider
 * accumulator), which is what a float32 network computes. For a layer, W is
 * its [out, in] weight and p = k = width. X's rows are shared among the
 * kernel threads; each row's numbers are the same on any thread.
 *
 * @example
 *   rowsTimesTransposed32(Float32Array.of(1, 2), 1, Float32Array.of(1, 0, 3, 4), 2, 2);  // Float32Array [1, 11]
 */
export function rowsTimesTransposed32(x: Float32Array, m: number, w: Float32Array, p: number, k: number): Float32Array {
  if (x.length !== m * k) throw new RangeError(`rowsTimesTransposed32: x must hold ${m}×${k} numbers, got ${x.length}`);
  if (w.length !== p * k) throw new RangeError(`rowsTimesTransposed32: w must hold ${p}×${k} numbers, got ${w.length}`);
  const out = new Float32Array(m * p);
  if (m === 0 || p === 0) return out;
  const workBytes = sgemmWorkBytes(k, p);
  withScratch((s) => {
    const wAt = s.f32(p * k, false);
    const xAt = s.f32(m * k, false);
    const yAt = s.f32(m * p, false);
    s.float32(wAt, p * k).set(w);
    s.float32(xAt, m * k).set(x);
    const chunk = Math.max(MIN_CHUNK_ROWS, Math.ceil(m / (2 * kernelThreadCount())));
    const groups: KernelGroup[] = [];
    for (let r0 = 0; r0 < m; r0 += chunk) {
      const r1 = Math.min(m, r0 + chunk);
      // Every group packs W into its thread's work area (the packed panels share that area with per-call scratch).
      groups.push([
        { kernel: 'sgemmPackB', args: [SGEMM.TRANS_B, k, wAt, k, 0, p, WORK] },
        { kernel: 'sgemmPacked', args: [SGEMM.TRANS_B, k, xAt, k, yAt, p, r0, r1, 0, p, WORK] },
      ]);
    }
    runKernelGroups(groups, workBytes);
    out.set(s.float32(yAt, m * p));
  });
  return out;
}

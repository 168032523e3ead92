import { luDiagnosis, type LuFactors } from '../linalg';
import { divideColumns } from '../linalg/diagonalColumns';
import { WORK } from '../linalg/kernelCalls';
import { kernelThreadCount, runKernelGroups, type KernelCall, type KernelGroup } from '../linalg/kernelThreads';
import { withScratch } from '../linalg/linalgKernels';
import { preparedFactors } from '../linalg/preparedFactors';
import { rowChunks } from '../linalg/rowChunks';
import type { InvertibleNetwork } from './network';
import type { Precision } from './types';

/** Rows per group of a threaded solve: enough for the products to run at speed, few enough to share out. */
const MIN_CHUNK_ROWS = 32;
const MAX_CHUNK_ROWS = 256;

/** One operation of the inverse network, in the order the inverse applies them (last layer first). */
export interface InverseStage {
  /** 'LeakyReLU 4⁻¹' or 'Linear 4⁻¹' (1-based layer numbers, as the inspector labels them). */
  readonly name: string;
  readonly kind: 'activation' | 'linear';
  /** 0-based index of the Linear layer this stage undoes. */
  readonly layer: number;
}

/**
 * The stages of the inverse: for each layer from the last to the first, its
 * inverse LeakyReLU (when it has one) and then its inverse Linear.
 *
 * @example
 *   inverseStages(smallNet).map((s) => s.name);  // ['LeakyReLU 1⁻¹', 'Linear 1⁻¹']
 */
export function inverseStages(net: InvertibleNetwork): InverseStage[] {
  const stages: InverseStage[] = [];
  for (let l = net.layers.length - 1; l >= 0; l--) {
    if (net.layers[l].activation) stages.push({ name: `LeakyReLU ${l + 1}⁻¹`, kind: 'activation', layer: l });
    stages.push({ name: `Linear ${l + 1}⁻¹`, kind: 'linear', layer: l });
  }
  return stages;
}

/**
 * The inverse network on `count` embeddings (rows of `z`), layer by layer
 * backwards: negative values divided by the slope, the bias subtracted, and
 * W·x = y − b solved with W's LU factors (never forming W⁻¹), all in the
 * factors' precision: `factors[l]` are layer l's factors, all float64 or all
 * float32. A row that overflows, or that holds a NaN or an infinity on the
 * way, comes back as a row of NaN (the other rows are unaffected: rows are
 * solved independently); an exactly singular layer makes every row NaN.
 * The batch stays in kernel memory through all layers, its rows shared among
 * the kernel threads.
 *
 * `onStage(i, values)` sees the batch after stage i of inverseStages(net):
 * a view of kernel memory, valid only during the call (copy what you keep; a
 * noise sweep copies the stages of its clean inverse and only reads those of
 * its 11 noisy ones).
 *
 * @example
 *   const x64 = invertRows(net, factors.map((f) => f.float64), z, count);
 */
export function invertRows(
  net: InvertibleNetwork,
  factors: readonly LuFactors[],
  z: ArrayLike<number>,
  count: number,
  onStage?: (stage: number, values: Float64Array | Float32Array) => void,
): Float64Array | Float32Array {
  const n = net.width;
  if (factors.length !== net.layers.length)
    throw new RangeError(`invertRows: ${factors.length} factors for ${net.layers.length} layers`);
  if (z.length !== count * n) throw new RangeError(`invertRows: z must hold ${count}×${n} numbers, got ${z.length}`);
  const precision: Precision = factors[0].precision;
  if (factors.some((f) => f.precision !== precision))
    throw new RangeError('invertRows: factors must all have one precision');
  const single = precision === 'float32';
  const out = single ? new Float32Array(count * n) : new Float64Array(count * n);
  if (count === 0) return out;
  const S = single ? 4 : 8;
  const p = single ? '_f32' : '_f64';
  withScratch((s) => {
    const rows = s.bytes(count * n * S, false);
    const bias = s.f32(n, false);
    const view = () => (single ? s.float32(rows, count * n) : s.float64(rows, count * n));
    view().set(z);
    const chunks = rowChunks(count, kernelThreadCount(), MIN_CHUNK_ROWS, MAX_CHUNK_ROWS);
    const workBytes = s.kernels.gemm_work_bytes(S);
    const run = (steps: (at: number, rowCount: number) => KernelCall[]) => {
      const groups: KernelGroup[] = chunks.map(([r0, r1]) => steps(rows + r0 * n * S, r1 - r0));
      runKernelGroups(groups, workBytes);
    };
    let stage = 0;
    for (let l = net.layers.length - 1; l >= 0; l--) {
      const layer = net.layers[l];
      const undoActivation = (at: number, rowCount: number): KernelCall[] =>
        layer.activation ? [{ kernel: `leaky${p}` as const, args: [at, rowCount * n, net.slope, 1] }] : [];
      if (layer.activation && onStage) {
        run(undoActivation);
        onStage(stage++, view());
      }
      s.float32(bias, n).set(layer.bias);
      if (luDiagnosis(factors[l]).status === 'singular') {
        if (layer.activation && !onStage) run(undoActivation);
        view().fill(Number.NaN);
      } else if (layer.diagonal) {
        const diagonal = layer.diagonal;
        run((at, rowCount) => [
          ...(onStage ? [] : undoActivation(at, rowCount)),
          { kernel: `add_bias${p}`, args: [at, rowCount, n, bias, -1] },
        ]);
        // W·x = y for a diagonal W: each value divided by its unit's weight, as the triangular solves would.
        divideColumns(view(), diagonal);
        run((at, rowCount) => [{ kernel: `nan_rows${p}`, args: [at, rowCount, n] }]);
      } else {
        const { lu, lut, pivots } = preparedFactors(factors[l]);
        run((at, rowCount) => [
          ...(onStage ? [] : undoActivation(at, rowCount)),
          { kernel: `add_bias${p}`, args: [at, rowCount, n, bias, -1] },
          { kernel: `solve_rows${p}`, args: [n, rowCount, lu, lut, pivots, at, WORK] },
          { kernel: `nan_rows${p}`, args: [at, rowCount, n] },
        ]);
      }
      onStage?.(stage++, view());
    }
    out.set(view());
  });
  return out;
}

import type { LuFactors } from '../linalg';
import { inverseLeakyReluInPlace } from './leakyRelu';
import type { InvertibleNetwork } from './network';
import { solveRowsTolerant } from './solveRowsTolerant';
import type { Precision } from './types';

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
 * float32. Rows that overflow come back as NaN (solveRowsTolerant).
 *
 * `onStage(i, values)` sees the batch after stage i of inverseStages(net);
 * `values` is reused by the next stage, so copy what you keep.
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
  if (factors.length !== net.layers.length) throw new RangeError(`invertRows: ${factors.length} factors for ${net.layers.length} layers`);
  if (z.length !== count * n) throw new RangeError(`invertRows: z must hold ${count}×${n} numbers, got ${z.length}`);
  const precision: Precision = factors[0].precision;
  if (factors.some((f) => f.precision !== precision)) throw new RangeError('invertRows: factors must all have one precision');
  let h: Float64Array | Float32Array = precision === 'float32' ? Float32Array.from(z) : Float64Array.from(z);
  let stage = 0;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l];
    if (layer.activation) {
      inverseLeakyReluInPlace(h, net.slope, precision);
      onStage?.(stage++, h);
    }
    const bias = layer.bias;
    if (precision === 'float32') {
      for (let i = 0; i < h.length; i++) h[i] = Math.fround(h[i] - bias[i % n]);
    } else {
      for (let i = 0; i < h.length; i++) h[i] -= bias[i % n];
    }
    h = solveRowsTolerant(factors[l], h, count);
    onStage?.(stage++, h);
  }
  return h;
}

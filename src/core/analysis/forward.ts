import { matmul } from '../linalg';
import { rowsTimesTransposed32 } from './float32Product';
import { leakyReluInPlace } from './leakyRelu';
import type { InvertibleNetwork } from './network';
import type { Precision } from './types';

/** Rows per float64 product, so a batch of thousands of images never needs its whole copy in kernel memory. */
const CHUNK_ROWS = 1024;

/**
 * The network's forward pass on `count` inputs (rows of `x`, count × n) in one
 * precision. 'float32' computes as the trained network does: inputs rounded to
 * float32, x·Wᵀ by a float32 kernel, then + b and the LeakyReLU each rounded
 * to float32. 'float64' computes the same function of the stored (float32)
 * parameters in float64.
 *
 * @example
 *   const z = forwardRows(net, test.images, test.count, 'float32');  // embeddings, count × 784
 */
export function forwardRows(net: InvertibleNetwork, x: ArrayLike<number>, count: number, precision: 'float32'): Float32Array;
export function forwardRows(net: InvertibleNetwork, x: ArrayLike<number>, count: number, precision: 'float64'): Float64Array;
export function forwardRows(net: InvertibleNetwork, x: ArrayLike<number>, count: number, precision: Precision): Float32Array | Float64Array;
export function forwardRows(net: InvertibleNetwork, x: ArrayLike<number>, count: number, precision: Precision): Float32Array | Float64Array {
  const n = net.width;
  if (x.length !== count * n) throw new RangeError(`forwardRows: x must hold ${count}×${n} numbers, got ${x.length}`);
  let h: Float32Array | Float64Array = precision === 'float32' ? Float32Array.from(x) : Float64Array.from(x);
  for (const layer of net.layers) {
    if (precision === 'float32') {
      const y = rowsTimesTransposed32(h as Float32Array, count, layer.weight, n, n);
      for (let r = 0; r < count; r++) {
        const o = r * n;
        for (let j = 0; j < n; j++) y[o + j] = Math.fround(y[o + j] + layer.bias[j]);
      }
      h = y;
    } else {
      const y = new Float64Array(count * n);
      for (let r0 = 0; r0 < count; r0 += CHUNK_ROWS) {
        const r1 = Math.min(count, r0 + CHUNK_ROWS);
        y.set(matmul(h.subarray(r0 * n, r1 * n), layer.weightT64, r1 - r0, n, n), r0 * n);
      }
      for (let r = 0; r < count; r++) {
        const o = r * n;
        for (let j = 0; j < n; j++) y[o + j] += layer.bias[j];
      }
      h = y;
    }
    if (layer.activation) leakyReluInPlace(h, net.slope, precision);
  }
  return h;
}

import type { FlowModel } from './flowModel';
import { luSolve } from './luSolve';

/**
 * x = f⁻¹(z) for `count` rows of z, in float64: each layer undone in reverse
 * order (inverse LeakyReLU, then the LU layer's two triangular solves). This is
 * the simple float64 inverse; the analysis engine has its own.
 *
 * @example
 *   const x = flowInverse(model, flowForward(model, images, 4).z, 4);  // ≈ images
 */
export function flowInverse(model: FlowModel, z: ArrayLike<number>, count: number): Float64Array {
  const { architecture: arch, layers, biases } = model;
  const alpha = arch.negativeSlope;
  let h: Float64Array = Float64Array.from(z);
  for (let l = arch.layers.length - 1; l >= 0; l--) {
    if (arch.layers[l].activation) {
      for (let k = 0; k < h.length; k++) if (h[k] < 0) h[k] /= alpha;
    }
    h = luSolve(layers[l], biases[l], h, count);
  }
  return h;
}

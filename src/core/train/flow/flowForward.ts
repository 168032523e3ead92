import { flowLatentNll, leakyReluNegLogDet } from './flowLoss';
import type { FlowModel } from './flowModel';
import { luApply } from './luApply';
import { luLogAbsDet } from './luLogAbsDet';

export interface FlowForward {
  /** count × n outputs. */
  readonly z: Float64Array;
  /** −log|det J| per row. */
  readonly negLogDet: Float64Array;
  /** Pre-activations of every layer (count × n each), for references and diagnostics. */
  readonly preActivations: Float64Array[];
}

/**
 * The flow in float64: z = f(x) for `count` rows of x and −log|det J_f| of
 * each, layer by layer (LU layer, then LeakyReLU where the architecture has
 * one). A pre-activation that is exactly 0 counts as non-negative, as
 * LeakyReLU takes slope 1 there.
 *
 * @example
 *   const { z, negLogDet } = flowForward(model, images, 2);
 */
export function flowForward(model: FlowModel, x: ArrayLike<number>, count: number): FlowForward {
  const { architecture: arch, layers, biases } = model;
  const n = arch.width;
  const alpha = arch.negativeSlope;
  const negLogDet = new Float64Array(count);
  const preActivations: Float64Array[] = [];
  let h: ArrayLike<number> = x;
  arch.layers.forEach((spec, l) => {
    const a = luApply(layers[l], biases[l], h, count);
    preActivations.push(a);
    const logDet = luLogAbsDet(layers[l]);
    for (let r = 0; r < count; r++) negLogDet[r] -= logDet;
    if (spec.activation) {
      const out = new Float64Array(a.length);
      for (let r = 0; r < count; r++) {
        let negatives = 0;
        for (let j = 0; j < n; j++) {
          const v = a[r * n + j];
          if (v < 0) negatives++;
          out[r * n + j] = v < 0 ? alpha * v : v;
        }
        negLogDet[r] += leakyReluNegLogDet(alpha, negatives);
      }
      h = out;
    } else {
      h = a;
    }
  });
  return { z: Float64Array.from(h), negLogDet, preActivations };
}

/** Batch-mean flow loss and its parts [latent, negLogDet], in float64. */
export function flowNll(model: FlowModel, x: ArrayLike<number>, labels: ArrayLike<number>, count: number) {
  const n = model.architecture.width;
  const { z, negLogDet } = flowForward(model, x, count);
  let latent = 0;
  let logDet = 0;
  for (let r = 0; r < count; r++) {
    latent += flowLatentNll(z, labels[r], model.prior, r * n, n);
    logDet += negLogDet[r];
  }
  return { loss: (latent + logDet) / count, parts: [latent / count, logDet / count] as [number, number], z };
}

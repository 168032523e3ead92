// A float64 reference of what the simd engine computes, written the plain way (batch-major,
// one loop per formula) so that it can be checked by reading: forward, the paper's loss,
// backward, and PyTorch's Adam. Tests compare the engine against it.
import type { Architecture } from '../../../src/core/model/architecture';
import type { ModelParams } from '../../../src/core/model/params';
import { ADAM } from '../../../src/core/train/engine';

export interface Params64 {
  weights: Float64Array[];
  biases: Float64Array[];
}

export function toParams64(params: ModelParams): Params64 {
  return {
    weights: params.weights.map((w) => Float64Array.from(w)),
    biases: params.biases.map((b) => Float64Array.from(b)),
  };
}

export interface ReferenceStep {
  loss: number;
  parts: [number, number];
  gradients: Params64;
}

/** Forward: outputs[l] is layer l's output after its activation, batch-major [count][width]. */
export function referenceForward(
  arch: Architecture,
  params: Params64,
  images: Float32Array,
  count: number,
): Float64Array[] {
  const w = arch.width;
  const outputs: Float64Array[] = [];
  let input = Float64Array.from(images.subarray(0, count * w));
  arch.layers.forEach((layer, l) => {
    const W = params.weights[l],
      b = params.biases[l];
    const out = new Float64Array(count * w);
    for (let n = 0; n < count; n++) {
      for (let o = 0; o < w; o++) {
        let s = b[o];
        for (let i = 0; i < w; i++) s += input[n * w + i] * W[o * w + i];
        out[n * w + o] = layer.activation && s <= 0 ? s * arch.negativeSlope : s;
      }
    }
    outputs.push(out);
    input = out;
  });
  return outputs;
}

/** The paper's loss: batch mean of ½Σ(y − 2a)² + (w/2)·ln 2π + (unbiased Var(y) − 1)², and its gradient. */
export function referenceLoss(
  y: Float64Array,
  labels: Uint8Array,
  count: number,
  w: number,
): { loss: number; parts: [number, number]; grad: Float64Array } {
  let nll = 0,
    penalty = 0;
  const grad = new Float64Array(count * w);
  for (let n = 0; n < count; n++) {
    const t = 2 * labels[n];
    let mean = 0;
    for (let f = 0; f < w; f++) mean += y[n * w + f];
    mean /= w;
    let ss = 0,
      sq = 0;
    for (let f = 0; f < w; f++) {
      ss += (y[n * w + f] - mean) ** 2;
      sq += (y[n * w + f] - t) ** 2;
    }
    const variance = ss / (w - 1);
    nll += 0.5 * sq + 0.5 * w * Math.log(2 * Math.PI);
    penalty += (variance - 1) ** 2;
    for (let f = 0; f < w; f++) {
      const v = y[n * w + f];
      grad[n * w + f] = (v - t + (2 * (variance - 1) * (2 * (v - mean))) / (w - 1)) / count;
    }
  }
  return { loss: (nll + penalty) / count, parts: [nll / count, penalty / count], grad };
}

export function referenceStep(
  arch: Architecture,
  params: Params64,
  images: Float32Array,
  labels: Uint8Array,
  count: number,
): ReferenceStep {
  const w = arch.width;
  const outputs = referenceForward(arch, params, images, count);
  const L = arch.layers.length;
  const { loss, parts, grad } = referenceLoss(outputs[L - 1], labels, count, w);
  const gradients: Params64 = { weights: [], biases: [] };
  let dY = grad;
  for (let l = L - 1; l >= 0; l--) {
    const out = outputs[l];
    const dZ = new Float64Array(count * w);
    for (let j = 0; j < count * w; j++)
      dZ[j] = arch.layers[l].activation && out[j] <= 0 ? dY[j] * arch.negativeSlope : dY[j];
    const input = l === 0 ? Float64Array.from(images.subarray(0, count * w)) : outputs[l - 1];
    const gW = new Float64Array(w * w),
      gb = new Float64Array(w);
    for (let n = 0; n < count; n++) {
      for (let o = 0; o < w; o++) {
        const d = dZ[n * w + o];
        gb[o] += d;
        for (let i = 0; i < w; i++) gW[o * w + i] += d * input[n * w + i];
      }
    }
    gradients.weights[l] = gW;
    gradients.biases[l] = gb;
    if (l > 0) {
      const dX = new Float64Array(count * w);
      const W = params.weights[l];
      for (let n = 0; n < count; n++) {
        for (let o = 0; o < w; o++) {
          const d = dZ[n * w + o];
          for (let i = 0; i < w; i++) dX[n * w + i] += d * W[o * w + i];
        }
      }
      dY = dX;
    }
  }
  return { loss, parts, gradients };
}

/** PyTorch's Adam update of one value at step t (1-based); returns [param, m, v]. */
export function adamUpdate(
  p: number,
  m: number,
  v: number,
  g: number,
  t: number,
  lr: number,
): [number, number, number] {
  const m1 = ADAM.beta1 * m + (1 - ADAM.beta1) * g;
  const v1 = ADAM.beta2 * v + (1 - ADAM.beta2) * g * g;
  const stepSize = lr / (1 - ADAM.beta1 ** t);
  const denom = Math.sqrt(v1) / Math.sqrt(1 - ADAM.beta2 ** t) + ADAM.epsilon;
  return [p - stepSize * (m1 / denom), m1, v1];
}

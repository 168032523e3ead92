import type { Architecture } from '../../src/core/model/architecture';
import type { ModelParams } from '../../src/core/model/params';
import { ADAM } from '../../src/core/train/engine';
import { seedLossParts } from '../../src/core/train/seedLoss';

/**
 * A float64 reference for the paper's network and loss, written for clarity:
 * forward pass, hand-derived backward pass, and PyTorch's Adam. Engines are
 * tested against it.
 */
export interface ReferenceState {
  params: { weights: Float64Array[]; biases: Float64Array[] };
  m: { weights: Float64Array[]; biases: Float64Array[] };
  v: { weights: Float64Array[]; biases: Float64Array[] };
  step: number;
}

export function referenceState(params: ModelParams): ReferenceState {
  const copy = (p: ModelParams) => ({
    weights: p.weights.map((w) => Float64Array.from(w)),
    biases: p.biases.map((b) => Float64Array.from(b)),
  });
  const zeros = (p: ModelParams) => ({
    weights: p.weights.map((w) => new Float64Array(w.length)),
    biases: p.biases.map((b) => new Float64Array(b.length)),
  });
  return { params: copy(params), m: zeros(params), v: zeros(params), step: 0 };
}

/** Pre-activations and activations of every layer for `count` rows. */
function forward(arch: Architecture, state: ReferenceState, x: Float64Array, count: number) {
  const n = arch.width;
  const inputs: Float64Array[] = [];
  const pre: Float64Array[] = [];
  let h = x;
  arch.layers.forEach((layer, l) => {
    inputs.push(h);
    const w = state.params.weights[l],
      b = state.params.biases[l];
    const z = new Float64Array(count * n);
    for (let r = 0; r < count; r++) {
      for (let o = 0; o < n; o++) {
        let s = b[o];
        for (let i = 0; i < n; i++) s += h[r * n + i] * w[o * n + i];
        z[r * n + o] = s;
      }
    }
    pre.push(z);
    h = layer.activation ? z.map((v) => (v > 0 ? v : v * arch.negativeSlope)) : z;
  });
  return { inputs, pre, output: h };
}

export function referenceLoss(
  arch: Architecture,
  state: ReferenceState,
  images: Float32Array,
  labels: Uint8Array,
  count: number,
) {
  const n = arch.width;
  const { output } = forward(arch, state, Float64Array.from(images.subarray(0, count * n)), count);
  let nll = 0,
    pen = 0;
  for (let r = 0; r < count; r++) {
    const [a, b] = seedLossParts(output, labels[r], r * n, n);
    nll += a;
    pen += b;
  }
  return { loss: (nll + pen) / count, parts: [nll / count, pen / count] as [number, number], output };
}

/** Gradients of the batch-mean loss with respect to every weight and bias. */
export function referenceGradients(
  arch: Architecture,
  state: ReferenceState,
  images: Float32Array,
  labels: Uint8Array,
  count: number,
) {
  const n = arch.width;
  const { inputs, pre, output } = forward(arch, state, Float64Array.from(images.subarray(0, count * n)), count);
  let dh = new Float64Array(count * n);
  for (let r = 0; r < count; r++) {
    const row = output.subarray(r * n, (r + 1) * n);
    const mean = row.reduce((s, v) => s + v, 0) / n;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    for (let j = 0; j < n; j++) {
      dh[r * n + j] = (row[j] - 2 * labels[r] + (2 * (variance - 1) * (2 * (row[j] - mean))) / (n - 1)) / count;
    }
  }
  const gw: Float64Array[] = [],
    gb: Float64Array[] = [];
  for (let l = arch.layers.length - 1; l >= 0; l--) {
    const dz = arch.layers[l].activation ? dh.map((g, k) => (pre[l][k] > 0 ? g : g * arch.negativeSlope)) : dh;
    const w = state.params.weights[l];
    const x = inputs[l];
    const dw = new Float64Array(n * n),
      db = new Float64Array(n),
      dx = new Float64Array(count * n);
    for (let r = 0; r < count; r++) {
      for (let o = 0; o < n; o++) {
        const g = dz[r * n + o];
        db[o] += g;
        for (let i = 0; i < n; i++) {
          dw[o * n + i] += g * x[r * n + i];
          dx[r * n + i] += g * w[o * n + i];
        }
      }
    }
    gw[l] = dw;
    gb[l] = db;
    dh = dx;
  }
  return { weights: gw, biases: gb };
}

/** One Adam step as torch.optim.Adam does it; returns the loss before the update. */
export function referenceTrainStep(
  arch: Architecture,
  lr: number,
  state: ReferenceState,
  images: Float32Array,
  labels: Uint8Array,
  count: number,
) {
  const before = referenceLoss(arch, state, images, labels, count);
  const grads = referenceGradients(arch, state, images, labels, count);
  state.step += 1;
  const { beta1, beta2, epsilon } = ADAM;
  const c1 = 1 - beta1 ** state.step,
    c2 = 1 - beta2 ** state.step;
  const update = (p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array) => {
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= ((lr / c1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(c2) + epsilon);
    }
  };
  arch.layers.forEach((_, l) => {
    update(state.params.weights[l], grads.weights[l], state.m.weights[l], state.v.weights[l]);
    update(state.params.biases[l], grads.biases[l], state.m.biases[l], state.v.biases[l]);
  });
  return before;
}

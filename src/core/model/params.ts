import type { Rng } from '../random/rng';
import type { Architecture } from './architecture';

/**
 * A network's parameters in PyTorch's layout: `weights[l]` is the row-major
 * [out, in] matrix W of layer l (y = x·Wᵀ + b), `biases[l]` its bias.
 */
export interface ModelParams {
  readonly weights: Float32Array[];
  readonly biases: Float32Array[];
}

/**
 * PyTorch's default nn.Linear initialization: weights and biases uniform in
 * ±1/√fan_in (kaiming_uniform with a = √5 reduces to this bound), drawn from a
 * seeded stream so every backend starts from the same numbers.
 */
export function initParams(arch: Architecture, rng: Rng): ModelParams {
  const n = arch.width;
  const bound = 1 / Math.sqrt(n);
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l < arch.layers.length; l++) {
    const w = new Float32Array(n * n);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * bound;
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) b[i] = (2 * rng.uniform() - 1) * bound;
    weights.push(w);
    biases.push(b);
  }
  return { weights, biases };
}

import { InvertscopeError } from '../errors';
import { diagonalOf } from '../linalg/diagonalOf';
import { transposed } from '../linalg/transposed';
import { sequentialIndices, type Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';

/** One Linear layer (and the LeakyReLU after it, if any) as the analysis uses it. */
export interface NetworkLayer {
  /** 0-based among the Linear layers. */
  readonly index: number;
  /** Index in the PyTorch nn.Sequential: its tensors are `${sequentialIndex}.weight` / `.bias`. */
  readonly sequentialIndex: number;
  /** For messages: `layer 2 (3.weight)`, 1-based as people count. */
  readonly name: string;
  /** W, row-major [out, in], as stored (float32): y = x·Wᵀ + b. */
  readonly weight: Float32Array;
  /** W widened to float64 (exactly), for the float64 linear algebra. */
  readonly weight64: Float64Array;
  /** Wᵀ in float64, so a batch's product x·Wᵀ is one matmul. */
  readonly weightT64: Float64Array;
  readonly bias: Float32Array;
  readonly activation: boolean;
  /**
   * W's diagonal when W is diagonal with no zero on it (a flow's kink layers),
   * else null: the forward pass then scales and the inverse divides, O(n) per
   * row instead of a product or a solve, and with the same numbers.
   */
  readonly diagonal: Float64Array | null;
}

export interface InvertibleNetwork {
  readonly architectureName: string;
  readonly width: number;
  /** LeakyReLU negative slope. */
  readonly slope: number;
  readonly layers: readonly NetworkLayer[];
}

/**
 * The network of a checkpoint in the shape the analysis needs. Refuses
 * parameters whose shapes do not match the architecture, and non-finite
 * weights or biases (a diverged checkpoint), naming the layer and position.
 *
 * @example
 *   const net = invertibleNetwork(checkpoint.architecture, checkpoint.params);
 *   net.layers[0].name;  // 'layer 1 (1.weight)'
 */
export function invertibleNetwork(architecture: Architecture, params: ModelParams): InvertibleNetwork {
  const n = architecture.width;
  const seq = sequentialIndices(architecture);
  if (params.weights.length !== architecture.layers.length || params.biases.length !== architecture.layers.length) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `the checkpoint has ${params.weights.length} weight and ${params.biases.length} bias tensors for ${architecture.layers.length} layers`,
      {
        field: 'params',
      },
    );
  }
  const layers = architecture.layers.map((spec, l): NetworkLayer => {
    const name = `layer ${l + 1} (${seq[l]}.weight)`;
    const weight = params.weights[l];
    const bias = params.biases[l];
    if (weight.length !== n * n)
      throw new InvertscopeError('BAD_INPUT', `${name} has ${weight.length} weights, expected ${n}×${n}`, {
        field: `${seq[l]}.weight`,
      });
    if (bias.length !== n)
      throw new InvertscopeError('BAD_INPUT', `${name} has ${bias.length} biases, expected ${n}`, {
        field: `${seq[l]}.bias`,
      });
    checkFinite(weight, n, `${seq[l]}.weight`, name);
    checkFinite(bias, n, `${seq[l]}.bias`, name);
    const weight64 = new Float64Array(weight);
    const diagonal = diagonalOf(weight64, n);
    // A diagonal W is its own transpose.
    const weightT64 = diagonal ? weight64 : transposed(weight64, n, n);
    return {
      index: l,
      sequentialIndex: seq[l],
      name,
      weight,
      weight64,
      weightT64,
      bias,
      activation: spec.activation,
      diagonal: diagonal && diagonal.every((d) => d !== 0) ? diagonal : null,
    };
  });
  return { architectureName: architecture.name, width: n, slope: architecture.negativeSlope, layers };
}

function checkFinite(values: Float32Array, n: number, tensor: string, layer: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const where = values.length > n ? `[${Math.floor(i / n)}, ${i % n}]` : `[${i}]`;
      throw new InvertscopeError(
        'NUMERIC',
        `${layer}: ${tensor}${where} is ${values[i]}; a diverged checkpoint cannot be analysed`,
        { field: tensor, value: values[i] },
      );
    }
  }
}

import { luFactor, luFactor32, type LuFactors32, type LuFactors64 } from '../linalg';
import type { InvertibleNetwork } from './network';

/** A layer's LU factors in both precisions: what every inverse solves with. */
export interface LayerFactors {
  readonly float64: LuFactors64;
  /** From the stored float32 weights, factored in float32 arithmetic, as a float32 user would. */
  readonly float32: LuFactors32;
}

/**
 * The LU factors of every layer, without the spectra (analyseLayers computes
 * both): enough to reconstruct or generate, in about 0.1 s per 784×784 layer.
 *
 * @example
 *   const factors = factorLayers(net);
 *   invertRows(net, factors.map((f) => f.float32), z, count);
 */
export function factorLayers(net: InvertibleNetwork): LayerFactors[] {
  return net.layers.map((layer) => ({
    float64: luFactor(layer.weight64, net.width, { name: layer.name }),
    float32: luFactor32(layer.weight, net.width, { name: layer.name }),
  }));
}

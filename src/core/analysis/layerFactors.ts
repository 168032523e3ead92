import { linalgBatch, type LuFactors32, type LuFactors64 } from '../linalg';
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
  // All layers' factors at once, shared among the kernel threads.
  const results = linalgBatch(
    net.layers.flatMap((layer) => [
      { kind: 'lu' as const, w: layer.weight64, n: net.width, name: layer.name, diagonal: layer.diagonal !== null },
      { kind: 'lu32' as const, w: layer.weight, n: net.width, name: layer.name, diagonal: layer.diagonal !== null },
    ]),
  );
  return net.layers.map((_, l) => ({
    float64: results[2 * l] as LuFactors64,
    float32: results[2 * l + 1] as LuFactors32,
  }));
}

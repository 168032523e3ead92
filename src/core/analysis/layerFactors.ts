import { linalgBatch, type LinalgJob, type LuFactors32, type LuFactors64 } from '../linalg';
import type { InvertibleNetwork, NetworkLayer } from './network';

/** A layer's LU factors in both precisions: what every inverse solves with. */
export interface LayerFactors {
  readonly float64: LuFactors64;
  /** From the stored float32 weights, factored in float32 arithmetic, as a float32 user would. */
  readonly float32: LuFactors32;
}

/**
 * One factorization of a layer, as linalgBatch takes it: float64 jobs on its
 * widened weights, 'lu32' on the stored float32 ones, and the layer's known
 * diagonality passed on so its n² entries are not scanned again.
 */
export function layerJob(net: InvertibleNetwork, layer: NetworkLayer, kind: LinalgJob['kind']): LinalgJob {
  const w = kind === 'lu32' ? layer.weight : layer.weight64;
  return { kind, w, n: net.width, name: layer.name, diagonal: layer.diagonal !== null };
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
    net.layers.flatMap((layer) => [layerJob(net, layer, 'lu'), layerJob(net, layer, 'lu32')]),
  );
  return net.layers.map((_, l) => ({
    float64: results[2 * l] as LuFactors64,
    float32: results[2 * l + 1] as LuFactors32,
  }));
}

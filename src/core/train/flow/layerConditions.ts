import { conditionNumber, singularValues } from '../../linalg';
import { assembleLu } from './assembleLu';
import type { LuLayer } from './luLayer';

/**
 * κ₂(W) = σ_max/σ_min of every layer's assembled W, in float64 (src/core/linalg's
 * singular values: about 0.3 s per 784×784 layer). The flow objective keeps
 * each |det W| in view through log|det W|, but not κ; a sharply growing κ is
 * what made the paper's inverses fragile, so training reports it.
 *
 * @example
 *   layerConditions(state.layers);  // e.g. [4.8, 98, 116, 325]
 */
export function layerConditions(layers: readonly LuLayer[]): number[] {
  return layers.map((layer) => conditionNumber(singularValues(assembleLu(layer), layer.width)));
}

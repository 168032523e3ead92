import type { Architecture } from '../../model/architecture';
import type { FlowInit } from '../config';

/** Which layers a flow keeps diagonal and which it does not train (FlowEngineOptions' two lists). */
export interface FlowLayerTraining {
  readonly diagonalLayers: readonly number[];
  readonly frozenLayers: readonly number[];
}

/**
 * How a flow's layers train, from how it started. A 'gaussianize' flow
 * (gaussianizeFlow) is diagonal everywhere but its whitening layer (index
 * kinkLayers), and it stays so; its pixel kink layers (0..kinkLayers−1) are not
 * trained: their kinks sit on pixel-level boundaries, where the data's density
 * jumps (a pile of zeros next to sparse ink), so no gradient estimate holds
 * there; with the boundary surrogate at τ = 0.1 training them raised even the
 * training loss (research/flow/README.md). With `denseAfterWhitening` the
 * layers after the whitening start diagonal and train as full LU layers (capacity
 * the closed form does not use). Other flows train every layer in full.
 *
 * @example
 *   flowLayerTraining(arch25, 'gaussianize', 16);        // diagonal: 0..15 and 17..24; frozen: 0..15
 *   flowLayerTraining(arch25, 'gaussianize', 16, true);  // diagonal: 0..15; frozen: 0..15
 */
export function flowLayerTraining(
  arch: Architecture,
  init: FlowInit,
  kinkLayers: number,
  denseAfterWhitening = false,
): FlowLayerTraining {
  if (init !== 'gaussianize') return { diagonalLayers: [], frozenLayers: [] };
  const all = arch.layers.map((_, l) => l);
  const diagonal = denseAfterWhitening ? all.filter((l) => l < kinkLayers) : all.filter((l) => l !== kinkLayers);
  return { diagonalLayers: diagonal, frozenLayers: all.filter((l) => l < kinkLayers) };
}

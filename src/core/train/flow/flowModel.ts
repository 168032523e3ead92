import type { Architecture } from '../../model/architecture';
import type { FlowPrior } from './flowPrior';
import type { LuLayer } from './luLayer';

/**
 * Everything that defines a trained flow: the architecture (its activation
 * pattern and LeakyReLU slope), one LU layer and bias per Linear layer, and
 * the prior. The dense W of each layer is assembleLu(layers[l]).
 */
export interface FlowModel {
  readonly architecture: Architecture;
  readonly layers: readonly LuLayer[];
  readonly biases: readonly Float32Array[];
  readonly prior: FlowPrior;
}

/** Throws a RangeError naming the field when the pieces do not fit together. */
export function validateFlowModel(model: FlowModel, where: string): void {
  const { architecture: arch, layers, biases } = model;
  if (layers.length !== arch.layers.length || biases.length !== arch.layers.length) {
    throw new RangeError(
      `${where}: the architecture has ${arch.layers.length} layers but got ${layers.length} LU layers and ${biases.length} biases`,
    );
  }
  layers.forEach((layer, l) => {
    if (layer.width !== arch.width)
      throw new RangeError(`${where}: layer ${l} has width ${layer.width}, the architecture ${arch.width}`);
    if (biases[l].length !== arch.width)
      throw new RangeError(`${where}: bias ${l} has ${biases[l].length} values, expected ${arch.width}`);
  });
}

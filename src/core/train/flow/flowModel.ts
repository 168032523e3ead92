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

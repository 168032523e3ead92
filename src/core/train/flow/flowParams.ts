import type { ModelParams } from '../../model/params';
import { assembleLu } from './assembleLu';
import type { FlowModel } from './flowModel';

/**
 * The dense parameters of a flow in PyTorch's layout (weights[l] = P·L·U as
 * float32, biases copied): what checkpoints store as `${index}.weight` and
 * `${index}.bias`, so every tool that reads a dense network reads a flow too.
 */
export function flowParams(model: Pick<FlowModel, 'layers' | 'biases'>): ModelParams {
  return {
    weights: model.layers.map((layer) => Float32Array.from(assembleLu(layer))),
    biases: model.biases.map((b) => b.slice()),
  };
}

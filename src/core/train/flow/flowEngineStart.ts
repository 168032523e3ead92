import { InvertscopeError } from '../../errors';
import type { EngineOptions } from '../engine';
import { DEFAULT_FLOW_ENGINE_OPTIONS, type FlowEngineOptions } from './flowEngineTypes';
import { classPriorFromPaper, validateFlowPrior, type FlowPrior } from './flowPrior';
import { luFromDense } from './luFromDense';
import { validateLuLayer, type LuLayer } from './luLayer';

/** What every flow engine starts from, checked: the factors, the prior and the schedule. */
export interface FlowEngineStart {
  readonly flow: FlowEngineOptions;
  readonly classes: number;
  readonly layers: readonly LuLayer[];
  /** A learned prior's start; null for the paper's fixed target. */
  readonly prior: Extract<FlowPrior, { kind: 'class' }> | null;
  readonly warmupSteps: number;
}

/**
 * Checks a flow engine's options and resolves its start: the LU layers (flow.initialLayers,
 * or EngineOptions.initialParams' dense weights factorized), the learned prior (its given
 * start, or the paper's target), the warm-up. Throws naming the field that is wrong.
 */
export function flowEngineStart(
  options: EngineOptions & { readonly flow?: FlowEngineOptions },
  engine: string,
): FlowEngineStart {
  const arch = options.architecture;
  if (arch.parametrization !== 'lu') {
    throw new InvertscopeError(
      'BAD_INPUT',
      `the flow objective needs parametrization 'lu', got '${arch.parametrization}': with dense layers log|det W| and its gradient W⁻ᵀ need an n³ factorization of every layer at every step`,
      { field: 'architecture.parametrization', value: arch.parametrization },
    );
  }
  const flow = options.flow ?? DEFAULT_FLOW_ENGINE_OPTIONS;
  const n = arch.width;
  const classes = flow.classes ?? 10;
  if (!(flow.boundarySurrogate >= 0))
    throw new RangeError(`${engine}: boundarySurrogate must be ≥ 0, got ${flow.boundarySurrogate}`);
  const warmupSteps = flow.warmupSteps ?? DEFAULT_FLOW_ENGINE_OPTIONS.warmupSteps ?? 0;
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0))
    throw new RangeError(`${engine}: warmupSteps must be an integer ≥ 0, got ${warmupSteps}`);
  if (flow.cosineSteps !== undefined && !(Number.isInteger(flow.cosineSteps) && flow.cosineSteps >= 1)) {
    throw new RangeError(`${engine}: cosineSteps must be a positive integer, got ${flow.cosineSteps}`);
  }
  const layers: readonly LuLayer[] =
    flow.initialLayers ?? options.initialParams.weights.map((w, l) => luFromDense(w, n, `layer ${l}`));
  if (layers.length !== arch.layers.length)
    throw new RangeError(`${engine}: ${layers.length} LU layers for an architecture of ${arch.layers.length}`);
  layers.forEach((layer, l) => {
    validateLuLayer(layer, `${engine} layer ${l}`);
    if (layer.width !== n)
      throw new RangeError(`${engine} layer ${l}: width ${layer.width}, the architecture's is ${n}`);
  });
  let prior: FlowEngineStart['prior'] = null;
  if (flow.prior === 'class') {
    const given = flow.initialPrior ?? classPriorFromPaper(classes, n);
    if (given.kind !== 'class') throw new RangeError(`${engine}: initialPrior must be a class prior for prior 'class'`);
    validateFlowPrior(given, n, engine);
    if (given.classes !== classes)
      throw new RangeError(`${engine}: initialPrior has ${given.classes} classes, expected ${classes}`);
    prior = given;
  }
  return { flow, classes, layers, prior, warmupSteps };
}

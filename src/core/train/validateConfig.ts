import { InvertscopeError } from '../errors';
import { validateArchitecture, type Architecture } from '../model/architecture';
import { stripUndefined } from '../stripUndefined';
import {
  DEFAULT_FLOW_TRAINING,
  defaultKinkLayers,
  FLOW_INITS,
  type FlowTrainingOptions,
  type TrainConfig,
} from './config';
import { MAX_PRIOR_DRAWS, MAX_PRIOR_RANK } from './flow/flowPrior';

/** A configuration as callers write it: the flow settings may name only what differs from the defaults. */
export type TrainConfigRequest = Omit<TrainConfig, 'flow'> & { readonly flow?: Partial<FlowTrainingOptions> };

const BACKENDS = ['auto', 'tensorflow', 'simd', 'wasm', 'cpu'];

type Fail = (field: string, value: unknown, expected: string) => never;

/**
 * Checks a training configuration from a user, a file or a message and returns
 * it complete: a flow configuration without `flow` (or with some of its fields
 * missing) gets DEFAULT_FLOW_TRAINING's values. Errors name the field and value.
 */
export function validateTrainConfig(config: TrainConfigRequest, where: string): TrainConfig {
  const fail: Fail = (field, value, expected) => {
    throw new InvertscopeError('BAD_INPUT', `${where}: invalid ${field}: ${JSON.stringify(value)} (${expected})`, {
      field,
      value,
    });
  };
  try {
    validateArchitecture(config.architecture, where);
  } catch (error) {
    throw new InvertscopeError('BAD_INPUT', (error as Error).message, { field: 'architecture' });
  }
  if (config.objective !== 'seed' && config.objective !== 'flow')
    fail('objective', config.objective, "expected 'seed' or 'flow'");
  const flow = config.objective === 'flow';
  const minEpochs = flow ? 0 : 1;
  if (!Number.isInteger(config.epochs) || config.epochs < minEpochs || config.epochs > 100_000) {
    fail(
      'epochs',
      config.epochs,
      flow
        ? 'an integer in 0..100000; 0 keeps the initialized flow as the model'
        : 'an integer in 1..100000 (0 is for the flow objective only)',
    );
  }
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1 || config.batchSize > 4096)
    fail('batchSize', config.batchSize, 'an integer in 1..4096');
  if (!(config.learningRate > 0 && config.learningRate < 1))
    fail('learningRate', config.learningRate, 'a number in (0, 1)');
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 2 ** 32 - 1)
    fail('seed', config.seed, 'an integer in 0..4294967295');
  if (!Array.isArray(config.checkpointEpochs) || config.checkpointEpochs.some((e) => !Number.isInteger(e) || e < 0)) {
    fail('checkpointEpochs', config.checkpointEpochs, 'a list of integers ≥ 0 (0: the initialized model)');
  }
  if (!BACKENDS.includes(config.backend)) fail('backend', config.backend, `one of ${BACKENDS.join(', ')}`);
  if (typeof config.dequantize !== 'boolean') fail('dequantize', config.dequantize, 'true or false');
  if (!flow) {
    if (config.flow !== undefined) fail('flow', config.flow, "flow settings apply to objective 'flow' only");
    // No flow settings: the request is a complete 'seed' configuration as it stands.
    return config as TrainConfig;
  }
  if (config.architecture.parametrization !== 'lu') {
    fail(
      'architecture.parametrization',
      config.architecture.parametrization,
      "the flow objective trains LU layers (W = P·L·U), whose log|det W| is a sum; use 'lu'",
    );
  }
  return { ...config, flow: completeFlowOptions(config.architecture, config.flow, fail) };
}

/** The flow settings with defaults for what is missing, each checked against the architecture. */
function completeFlowOptions(
  arch: Architecture,
  given: Partial<FlowTrainingOptions> | undefined,
  fail: Fail,
): FlowTrainingOptions {
  const merged: FlowTrainingOptions = {
    ...DEFAULT_FLOW_TRAINING,
    kinkLayers: defaultKinkLayers(arch),
    ...stripUndefined(given ?? {}),
  };
  const {
    prior,
    init,
    kinkLayers,
    ridge,
    warmupSteps,
    cosineDecay,
    boundarySurrogate,
    priorRank,
    fullPrior,
    pixelPseudoCount,
    denseAfterWhitening,
  } = merged;
  // A fixed key order, so run.json lists the settings the same way every time (the optional ones only when set).
  const options: FlowTrainingOptions = {
    prior,
    init,
    kinkLayers,
    ridge,
    warmupSteps,
    cosineDecay,
    boundarySurrogate,
    ...(priorRank ? { priorRank } : {}),
    ...(fullPrior ? { fullPrior: { draws: fullPrior.draws, shrinkage: fullPrior.shrinkage } } : {}),
    ...(pixelPseudoCount !== undefined ? { pixelPseudoCount } : {}),
    ...(denseAfterWhitening ? { denseAfterWhitening } : {}),
  };
  if (denseAfterWhitening !== undefined && typeof denseAfterWhitening !== 'boolean')
    fail('flow.denseAfterWhitening', denseAfterWhitening, 'true or false');
  if (denseAfterWhitening && init !== 'gaussianize')
    fail(
      'flow.denseAfterWhitening',
      denseAfterWhitening,
      "false unless flow.init is 'gaussianize' (other inits train every layer in full)",
    );
  if (prior !== 'paper' && prior !== 'class') fail('flow.prior', prior, "expected 'paper' or 'class'");
  if (!FLOW_INITS.includes(init)) fail('flow.init', init, `expected ${FLOW_INITS.map((i) => `'${i}'`).join(', ')}`);
  const L = arch.layers.length;
  if (!Number.isInteger(kinkLayers) || kinkLayers < 0 || kinkLayers > L - 1)
    fail('flow.kinkLayers', kinkLayers, `an integer in 0..${L - 1}`);
  for (let l = 0; l < kinkLayers; l++) {
    if (!arch.layers[l].activation)
      fail('flow.kinkLayers', kinkLayers, `layer ${l + 1} has no LeakyReLU, so at most ${l} kink layers`);
  }
  if (init === 'gaussianize') {
    if (prior !== 'class') fail('flow.prior', prior, "'class': the 'gaussianize' init fits a learned prior");
    if (!(kinkLayers <= L - 2))
      fail(
        'flow.kinkLayers',
        kinkLayers,
        `an integer in 0..${L - 2}: 'gaussianize' needs the whitening layer and at least the last layer after the pixel kinks`,
      );
    arch.layers.forEach((layer, l) => {
      if (layer.activation !== l < L - 1)
        fail(
          'architecture.layers',
          `layer ${l + 1} ${layer.activation ? 'with' : 'without'} a LeakyReLU`,
          "the 'gaussianize' init needs a LeakyReLU after every layer but the last",
        );
    });
    if (!(arch.negativeSlope < 1))
      fail(
        'architecture.negativeSlope',
        arch.negativeSlope,
        "below 1 for the 'gaussianize' init (a slope of 1 has no kink)",
      );
  }
  if (!(Number.isFinite(ridge) && ridge >= 0)) fail('flow.ridge', ridge, 'a finite number ≥ 0');
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) fail('flow.warmupSteps', warmupSteps, 'an integer ≥ 0');
  if (typeof cosineDecay !== 'boolean') fail('flow.cosineDecay', cosineDecay, 'true or false');
  if (priorRank !== undefined) {
    const most = Math.min(MAX_PRIOR_RANK, arch.width - 1);
    if (!(Number.isInteger(priorRank) && priorRank >= 0 && priorRank <= most))
      fail('flow.priorRank', priorRank, `an integer in 0..${most}`);
    if (priorRank > 0 && init !== 'gaussianize')
      fail(
        'flow.priorRank',
        priorRank,
        "0 unless flow.init is 'gaussianize' (its closed form fits the low-rank prior)",
      );
  }
  if (fullPrior !== undefined) {
    if (typeof fullPrior !== 'object' || fullPrior === null)
      fail('flow.fullPrior', fullPrior, 'an object with draws and shrinkage');
    if (!(Number.isInteger(fullPrior.draws) && fullPrior.draws >= 2 && fullPrior.draws <= MAX_PRIOR_DRAWS))
      fail('flow.fullPrior.draws', fullPrior.draws, `an integer in 2..${MAX_PRIOR_DRAWS}`);
    if (!(Number.isFinite(fullPrior.shrinkage) && fullPrior.shrinkage > 0 && fullPrior.shrinkage <= 1))
      fail('flow.fullPrior.shrinkage', fullPrior.shrinkage, 'a number in (0, 1]');
    if (init !== 'gaussianize')
      fail('flow.fullPrior', fullPrior, "absent unless flow.init is 'gaussianize' (its closed form fits the prior)");
    if (priorRank)
      fail(
        'flow.priorRank',
        priorRank,
        '0 with flow.fullPrior (a full covariance and a low-rank one exclude each other)',
      );
  }
  if (pixelPseudoCount !== undefined) {
    if (!(typeof pixelPseudoCount === 'number' && Number.isFinite(pixelPseudoCount) && pixelPseudoCount > 0))
      fail('flow.pixelPseudoCount', pixelPseudoCount, 'a finite number > 0');
    if (init !== 'gaussianize')
      fail('flow.pixelPseudoCount', pixelPseudoCount, "absent unless flow.init is 'gaussianize'");
  }
  if (!(Number.isFinite(boundarySurrogate) && boundarySurrogate >= 0))
    fail('flow.boundarySurrogate', boundarySurrogate, 'a finite number ≥ 0 (0: the exact per-sample gradient)');
  return options;
}

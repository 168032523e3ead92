import { InvertscopeError } from '../errors';
import type { SplitData } from '../data/dataset';
import { initParams, type ModelParams } from '../model/params';
import { createRng } from '../random/rng';
import type { FlowTrainingOptions, TrainConfig } from './config';
import type { CheckpointFlow, FlowEngineOptions } from './flow/flowEngineTypes';
import { classPriorFromPaper, type FlowPrior } from './flow/flowPrior';
import { gaussianizeFlow } from './flow/gaussianizeFlow';
import { flowLayerTraining } from './flow/flowLayerTraining';
import { initializeFlow, type FlowInitReport } from './flow/initializeFlow';
import { luFromDense } from './flow/luFromDense';
import type { LuLayer } from './flow/luLayer';

/** A flow run's first model: the engine's initial parameters and the flow engine's own start. */
export interface FlowStart {
  /**
   * The biases, with no dense weights: the flow engine starts from
   * `engine.initialLayers` and reads no W then, so P·L·U (about 0.3 s per
   * 784-wide layer) is assembled only when a checkpoint needs it.
   */
  readonly params: ModelParams;
  readonly engine: FlowEngineOptions;
  /** Seconds initializeFlow took; null for the default init (nothing computed). */
  readonly initSeconds: number | null;
  readonly report: FlowInitReport | null;
}

/** The flow settings of a flow configuration; validateTrainConfig and the run store always fill them in. */
function flowOptionsOf(config: TrainConfig): FlowTrainingOptions {
  if (config.objective !== 'flow' || !config.flow) {
    throw new InvertscopeError(
      'INTERNAL',
      `expected a flow configuration with its flow settings, got objective '${config.objective}'${config.flow ? '' : ' without flow'}`,
      { field: 'flow' },
    );
  }
  return config.flow;
}

/**
 * The model a new flow run starts from. 'analytic': initializeFlow on the
 * training split (its dequantization noise drawn from the run's seed);
 * 'gaussianize': gaussianizeFlow, likewise.
 * 'default': PyTorch's init from the run's seed, each W factored into an LU
 * layer, and a learned prior starting at the paper's target. Either way the
 * engine is given the LU layers themselves, so epoch 0's checkpoint holds
 * exactly what training starts from.
 */
export function newFlowStart(config: TrainConfig, data: SplitData, onStage?: (stage: string) => void): FlowStart {
  const flow = flowOptionsOf(config);
  const arch = config.architecture;
  const classes = data.train.classes;
  let biases: Float32Array[];
  let layers: LuLayer[];
  let prior: FlowPrior;
  let initSeconds: number | null = null;
  let report: FlowInitReport | null = null;
  if (flow.init === 'analytic' || flow.init === 'gaussianize') {
    const started = performance.now();
    const result =
      flow.init === 'gaussianize'
        ? gaussianizeFlow(arch, data.train, {
            seed: config.seed,
            kinkLayers: flow.kinkLayers,
            ridge: flow.ridge,
            priorRank: flow.priorRank ?? 0,
            ...(flow.fullPrior ? { fullPrior: flow.fullPrior } : {}),
            ...(flow.pixelPseudoCount !== undefined ? { pixelPseudoCount: flow.pixelPseudoCount } : {}),
            ...(onStage ? { onStage } : {}),
          })
        : initializeFlow(arch, data.train, {
            prior: flow.prior,
            seed: config.seed,
            kinkLayers: flow.kinkLayers,
            ridge: flow.ridge,
          });
    initSeconds = (performance.now() - started) / 1000;
    report = result.report;
    biases = result.model.biases.map((b) => b.slice());
    layers = [...result.model.layers];
    prior = result.model.prior;
  } else {
    const dense = initParams(arch, createRng(config.seed).fork('init'));
    layers = dense.weights.map((w, l) => luFromDense(w, arch.width, `layer ${l + 1}`));
    biases = dense.biases;
    prior = flow.prior === 'class' ? classPriorFromPaper(classes, arch.width) : { kind: 'paper' };
  }
  return {
    params: { weights: [], biases },
    engine: engineOptions(config, flow, data.train.count, classes, layers, prior),
    initSeconds,
    report,
  };
}

/**
 * The flow engine's start for resuming from a checkpoint: its LU factors,
 * prior and the prior's Adam moments, read from the flow sidecar (the dense
 * W alone would reproduce the factors only up to rounding, and a resume must
 * continue bit for bit).
 */
export function resumedFlowOptions(
  config: TrainConfig,
  data: SplitData,
  flowState: CheckpointFlow | null,
  file: string,
): FlowEngineOptions {
  const flow = flowOptionsOf(config);
  if (!flowState) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: the flow sidecar (LU factors and prior) is missing; a flow run cannot resume exactly without it`,
      { file, field: 'flow' },
    );
  }
  if (flowState.prior.kind !== flow.prior) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: the flow sidecar holds a '${flowState.prior.kind}' prior but run.json says '${flow.prior}'`,
      { file, field: 'flow.prior', value: flowState.prior.kind },
    );
  }
  const classes = flowState.prior.kind === 'class' ? flowState.prior.classes : data.train.classes;
  return {
    ...engineOptions(config, flow, data.train.count, classes, flowState.layers, flowState.prior),
    ...(flowState.priorMoments ? { initialPriorMoments: flowState.priorMoments } : {}),
  };
}

function engineOptions(
  config: TrainConfig,
  flow: FlowTrainingOptions,
  trainCount: number,
  classes: number,
  layers: CheckpointFlow['layers'],
  prior: FlowPrior,
): FlowEngineOptions {
  const stepsPerEpoch = Math.ceil(trainCount / config.batchSize);
  return {
    prior: flow.prior,
    classes,
    initialLayers: layers,
    ...(prior.kind === 'class' ? { initialPrior: prior } : {}),
    dequantize: config.dequantize,
    seed: config.seed,
    boundarySurrogate: flow.boundarySurrogate,
    warmupSteps: flow.warmupSteps,
    ...flowLayerTraining(config.architecture, flow.init, flow.kinkLayers, flow.denseAfterWhitening ?? false),
    // The decay ends at the run's last step; resuming to more epochs stretches what is left of it.
    ...(flow.cosineDecay && config.epochs > 0 ? { cosineSteps: config.epochs * stepsPerEpoch } : {}),
  };
}

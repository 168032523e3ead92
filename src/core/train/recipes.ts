import { presetArchitecture, type Architecture, type PresetName } from '../model/architecture';
import { DEFAULT_TRAIN, type FlowTrainingOptions, type Objective } from './config';
import {
  FLOW11_NAME,
  FLOW11_RECIPE,
  FLOW_CHECKPOINT_EPOCHS,
  FLOW_RECIPE,
  FLOWGEN_NAME,
  FLOWGEN_RECIPE,
  flow11Architecture,
  flowgenArchitecture,
  type FlowRecipe,
} from './flowPresets';

/**
 * The named training setups a person picks from (the extension's Train Model
 * list): the paper's three models with its loss, the paper's Base shape trained
 * as an exact-likelihood flow, and the measured flows with a learned prior. Each gives every
 * starting value; the caller lays its own choices (epochs, data, backend) over.
 */
export type RecipeName = PresetName | 'base-flow' | typeof FLOW11_NAME | typeof FLOWGEN_NAME;

export interface Recipe {
  readonly name: RecipeName;
  readonly label: string;
  readonly summary: string;
  readonly architecture: Architecture;
  readonly objective: Objective;
  readonly epochs: number;
  /** Present for the paper's loss, whose batch and rate are the user's settings; fixed by measurement for flows. */
  readonly batchSize: number | null;
  readonly learningRate: number | null;
  readonly checkpointEpochs: readonly number[];
  readonly dequantize: boolean;
  readonly flow?: Partial<FlowTrainingOptions>;
}

export const RECIPE_NAMES: readonly RecipeName[] = ['base', 'small', 'noact', 'base-flow', FLOW11_NAME, FLOWGEN_NAME];

export function recipe(name: RecipeName): Recipe {
  const paper = (preset: PresetName, label: string, summary: string): Recipe => ({
    name: preset,
    label,
    summary,
    architecture: presetArchitecture(preset),
    objective: 'seed',
    epochs: DEFAULT_TRAIN.epochs,
    batchSize: null,
    learningRate: null,
    checkpointEpochs: DEFAULT_TRAIN.checkpointEpochs,
    dequantize: false,
  });
  switch (name) {
    case 'base':
      return paper('base', 'Base', "4 × Linear 784→784 + LeakyReLU, the paper's loss");
    case 'small':
      return paper('small', 'Small', "1 × Linear 784→784 + LeakyReLU, the paper's loss");
    case 'noact':
      return paper('noact', 'NoAct', "4 × Linear 784→784, no activation, the paper's loss");
    case 'base-flow':
      return {
        name,
        label: 'Base as a flow',
        summary: "the paper's Base shape and target N(2a, 1), trained by exact maximum likelihood on LU layers",
        architecture: { ...presetArchitecture('base'), parametrization: 'lu' },
        objective: 'flow',
        epochs: FLOW_RECIPE.epochs,
        batchSize: FLOW_RECIPE.batchSize,
        learningRate: FLOW_RECIPE.learningRate,
        checkpointEpochs: FLOW_CHECKPOINT_EPOCHS,
        dequantize: true,
        flow: FLOW_RECIPE.flow,
      };
    case FLOW11_NAME:
      return measuredFlow(
        name,
        'Flow11',
        '11 LU layers, LeakyReLU(0.2), a learned prior per digit: its closed-form start is the model',
        flow11Architecture(),
        FLOW11_RECIPE,
      );
    case FLOWGEN_NAME:
      return measuredFlow(
        name,
        'Flowgen',
        '25 LU layers (24 diagonal), LeakyReLU(0.5), a learned full-covariance prior per digit, started by iterative Gaussianization: the generator recommended',
        flowgenArchitecture(),
        FLOWGEN_RECIPE,
      );
  }
}

function measuredFlow(
  name: RecipeName,
  label: string,
  summary: string,
  architecture: Architecture,
  r: FlowRecipe,
): Recipe {
  return {
    name,
    label,
    summary,
    architecture,
    objective: 'flow',
    epochs: r.epochs,
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    checkpointEpochs: FLOW_CHECKPOINT_EPOCHS,
    dequantize: true,
    flow: r.flow,
  };
}

export function isRecipeName(value: unknown): value is RecipeName {
  return typeof value === 'string' && (RECIPE_NAMES as readonly string[]).includes(value);
}

import { presetArchitecture, type Architecture, type PresetName } from '../model/architecture';
import { DEFAULT_TRAIN, type FlowTrainingOptions, type Objective } from './config';
import { FLOW11_NAME, FLOW11_RECIPE, FLOW_CHECKPOINT_EPOCHS, FLOW_RECIPE, flow11Architecture } from './flowPresets';

/**
 * The named training setups a person picks from (the extension's Train Model
 * list): the paper's three models with its loss, the paper's Base shape trained
 * as an exact-likelihood flow, and the best flow measured. Each gives every
 * starting value; the caller lays its own choices (epochs, data, backend) over.
 */
export type RecipeName = PresetName | 'base-flow' | typeof FLOW11_NAME;

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

export const RECIPE_NAMES: readonly RecipeName[] = ['base', 'small', 'noact', 'base-flow', FLOW11_NAME];

export function recipe(name: RecipeName): Recipe {
  const paper = (preset: PresetName, label: string, summary: string): Recipe => ({
    name: preset, label, summary, architecture: presetArchitecture(preset), objective: 'seed',
    epochs: DEFAULT_TRAIN.epochs, batchSize: null, learningRate: null,
    checkpointEpochs: DEFAULT_TRAIN.checkpointEpochs, dequantize: false,
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
        name, label: 'Base as a flow', summary: "the paper's Base shape and target N(2a, 1), trained by exact maximum likelihood on LU layers",
        architecture: { ...presetArchitecture('base'), parametrization: 'lu' }, objective: 'flow',
        epochs: FLOW_RECIPE.epochs, batchSize: FLOW_RECIPE.batchSize, learningRate: FLOW_RECIPE.learningRate,
        checkpointEpochs: FLOW_CHECKPOINT_EPOCHS, dequantize: true, flow: FLOW_RECIPE.flow,
      };
    case FLOW11_NAME:
      return {
        name, label: 'Flow11', summary: '11 LU layers, LeakyReLU(0.2), a learned prior per digit: the best generator measured',
        architecture: flow11Architecture(), objective: 'flow',
        epochs: FLOW11_RECIPE.epochs, batchSize: FLOW11_RECIPE.batchSize, learningRate: FLOW11_RECIPE.learningRate,
        checkpointEpochs: FLOW_CHECKPOINT_EPOCHS, dequantize: true, flow: FLOW11_RECIPE.flow,
      };
  }
}

export function isRecipeName(value: unknown): value is RecipeName {
  return typeof value === 'string' && (RECIPE_NAMES as readonly string[]).includes(value);
}

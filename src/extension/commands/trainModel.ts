import * as vscode from 'vscode';
import type { Services } from '../services';
import { buildTrainConfig, collectTrainChoices, initialChoices, rememberChoices } from '../training/trainFlow';
import { requireTrustToTrain } from '../trust';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { vscodeFlowUi } from './ui/flowUi';
import { followTraining } from './ui/trainingProgress';

/** workspaceState key of the last Train Model answers. */
const TRAIN_CHOICES_KEY = 'invertscope.lastTrainChoices';

/** Asks model, epochs, checkpoint epochs and data, then starts the training process. Returns the new run's id. */
export class TrainModelCommand implements Command {
  readonly id = COMMAND_IDS.trainModel;
  readonly title = 'Train Model';

  constructor(private readonly services: Services) {}

  async execute(): Promise<string | undefined> {
    requireTrustToTrain(vscode.workspace.isTrusted);
    const settings = this.services.settings.current;
    const state = this.services.extension.workspaceState;
    const choices = await collectTrainChoices(
      vscodeFlowUi,
      initialChoices(settings, state.get(TRAIN_CHOICES_KEY)),
      settings.dataFolder,
    );
    if (!choices) return undefined;
    await state.update(TRAIN_CHOICES_KEY, rememberChoices(choices));
    const config = buildTrainConfig(choices, settings);
    const runsFolder = this.services.location.current.runsFolder;
    const training = this.services.training.start({ kind: 'new', runsFolder, config }, choices.model);
    followTraining(this.services, training, `Invertscope: training ${choices.model}`);
    const started = await training.session.started;
    this.services.log.info(
      `training ${started.runId}: started on ${started.backend.description}, epochs ${started.firstEpoch}..${started.totalEpochs}`,
    );
    return started.runId;
  }
}

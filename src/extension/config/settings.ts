import { PRESET_NAMES, type PresetName } from '../../core/model/architecture';
import { BACKEND_REQUESTS, offeredRequests } from '../../core/train/backendCapabilities';
import type { BackendRequest } from '../../core/train/config';
import { DEFAULT_ANALYSIS_OPTIONS, DEFAULT_NOISE_LEVELS } from '../../core/analysis/options';

/**
 * Everything the extension reads from `invertscope.*` settings, as one frozen
 * snapshot: typed, defaulted and clamped, so no other module sees a raw setting.
 */
export interface AnalysisSettings {
  /** Standard deviations δ of the Gaussian noise added to embeddings, ascending. */
  readonly noiseLevels: readonly number[];
  readonly testImages: number;
  readonly temperature: number;
}

export interface InvertscopeSettings {
  /** As configured; '' means the default location (see resolveRunsFolder). */
  readonly runsFolder: string;
  readonly defaultModel: PresetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly checkpointEpochs: readonly number[];
  readonly backend: BackendRequest;
  /** A folder of MNIST-layout IDX files; '' when none is configured. */
  readonly dataFolder: string;
  readonly analysis: AnalysisSettings;
  /** Whether the runs folder is also polled: 'auto' does so on network file systems, where other machines' writes raise no file events. */
  readonly runsFolderPolling: PollingMode;
  /** Seconds between two looks at a polled runs folder. */
  readonly runsFolderPollSeconds: number;
}

export type PollingMode = 'auto' | 'always' | 'never';
export const POLLING_MODES: readonly PollingMode[] = ['auto', 'always', 'never'];

export const SETTINGS_SECTION = 'invertscope';

/**
 * The backends the setting offers: those the extension can load. A value of
 * 'tensorflow' written by hand is still read, so that training says why it
 * cannot run (tfjs-node is for the command line only) rather than silently
 * training on another backend.
 */
export const BACKEND_CHOICES: readonly BackendRequest[] = offeredRequests('vscode');

/** The limits each number is clamped to; package.json declares the same minimum/maximum. */
export const LIMITS = {
  epochs: { min: 1, max: 10_000 },
  batchSize: { min: 1, max: 4096 },
  learningRate: { min: 1e-7, max: 1 },
  checkpointEpoch: { min: 1, max: 10_000 },
  checkpointCount: 64,
  noiseLevel: { min: 1e-12, max: 100 },
  noiseLevelCount: 16,
  testImages: { min: 10, max: 10_000 },
  temperature: { min: 0, max: 10 },
  pollSeconds: { min: 1, max: 600 },
} as const;

export const DEFAULT_SETTINGS: InvertscopeSettings = deepFreeze({
  runsFolder: '',
  defaultModel: 'small',
  epochs: 2,
  batchSize: 64,
  learningRate: 0.001,
  checkpointEpochs: [10, 50, 100, 500],
  backend: 'auto',
  dataFolder: '',
  analysis: {
    noiseLevels: [...DEFAULT_NOISE_LEVELS],
    testImages: DEFAULT_ANALYSIS_OPTIONS.testImages,
    temperature: DEFAULT_ANALYSIS_OPTIONS.temperature,
  },
  runsFolderPolling: 'auto',
  runsFolderPollSeconds: 5,
});

/** Every key below `invertscope.` that this reader looks at (the manifest must declare exactly these). */
export const SETTING_KEYS = [
  'runsFolder',
  'defaultModel',
  'epochs',
  'batchSize',
  'learningRate',
  'checkpointEpochs',
  'backend',
  'dataFolder',
  'analysis.noiseLevels',
  'analysis.testImages',
  'analysis.temperature',
  'runsFolderPolling',
  'runsFolderPollSeconds',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** Reads one key below `invertscope.`; undefined when unset or unreadable. */
export type SettingGetter = (key: SettingKey) => unknown;

export function readSettings(get: SettingGetter): InvertscopeSettings {
  const d = DEFAULT_SETTINGS;
  return deepFreeze({
    runsFolder: readString(get('runsFolder')),
    defaultModel: readEnum(get('defaultModel'), PRESET_NAMES, d.defaultModel),
    epochs: readInteger(get('epochs'), LIMITS.epochs, d.epochs),
    batchSize: readInteger(get('batchSize'), LIMITS.batchSize, d.batchSize),
    learningRate: readNumber(get('learningRate'), LIMITS.learningRate, d.learningRate),
    checkpointEpochs: readIntegerList(
      get('checkpointEpochs'),
      LIMITS.checkpointEpoch,
      LIMITS.checkpointCount,
      d.checkpointEpochs,
    ),
    backend: readEnum(get('backend'), BACKEND_REQUESTS, d.backend),
    dataFolder: readString(get('dataFolder')),
    analysis: {
      noiseLevels: readNumberList(
        get('analysis.noiseLevels'),
        LIMITS.noiseLevel,
        LIMITS.noiseLevelCount,
        d.analysis.noiseLevels,
      ),
      testImages: readInteger(get('analysis.testImages'), LIMITS.testImages, d.analysis.testImages),
      temperature: readNumber(get('analysis.temperature'), LIMITS.temperature, d.analysis.temperature),
    },
    runsFolderPolling: readEnum(get('runsFolderPolling'), POLLING_MODES, d.runsFolderPolling),
    runsFolderPollSeconds: readInteger(get('runsFolderPollSeconds'), LIMITS.pollSeconds, d.runsFolderPollSeconds),
  });
}

/**
 * Where runs live: the configured folder (relative paths resolve against the
 * first workspace folder), else `.invertscope/runs` in the first workspace
 * folder, else the extension's global storage.
 */
export function resolveRunsFolder(
  configured: string,
  workspaceFolders: readonly string[],
  globalStorage: string,
  join: (...parts: string[]) => string,
  isAbsolute: (path: string) => boolean,
): string {
  const base = workspaceFolders[0];
  if (configured !== '') {
    if (isAbsolute(configured)) return configured;
    return join(base ?? globalStorage, configured);
  }
  return base !== undefined ? join(base, '.invertscope', 'runs') : join(globalStorage, 'runs');
}

/** Whether a change to `affects(section)` concerns a setting that this snapshot reads. */
export function affectsOurSettings(affects: (section: string) => boolean): boolean {
  return affects(SETTINGS_SECTION);
}

function readString(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function readEnum<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function clamp(x: number, limits: { readonly min: number; readonly max: number }): number {
  return Math.min(limits.max, Math.max(limits.min, x));
}

function readNumber(value: unknown, limits: { readonly min: number; readonly max: number }, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? clamp(value, limits) : fallback;
}

function readInteger(value: unknown, limits: { readonly min: number; readonly max: number }, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? clamp(Math.round(value), limits) : fallback;
}

/** Drops entries that are not finite numbers, clamps the rest, sorts and de-duplicates. */
function readNumberList(
  value: unknown,
  limits: { readonly min: number; readonly max: number },
  maxCount: number,
  fallback: readonly number[],
  round = false,
): readonly number[] {
  if (!Array.isArray(value)) return fallback;
  const numbers = value
    .filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
    .map((x) => clamp(round ? Math.round(x) : x, limits));
  return [...new Set(numbers)].sort((a, b) => a - b).slice(0, maxCount);
}

function readIntegerList(
  value: unknown,
  limits: { readonly min: number; readonly max: number },
  maxCount: number,
  fallback: readonly number[],
): readonly number[] {
  return readNumberList(value, limits, maxCount, fallback, true);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

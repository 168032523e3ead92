import { resolve } from 'node:path';
import { sha256File } from '../data/sha256File';
import { describeError, InvertscopeError } from '../errors';
import { stripUndefined } from '../stripUndefined';
import { readCheckpoint } from '../store/checkpoint';
import { ENGINE_REVISION, readAnyAnalysisCache } from './analysisCache';
import { checkpointNetworkInput, type ReadyClassifier } from './analyzeNetwork';
import { analysisData, checkpointRun, type AnalysisData } from './checkpointData';
import {
  cacheFilePath,
  readAnyCacheEntry,
  readCacheEntry,
  writeCacheEntry,
  type CheckpointCacheKind,
} from './checkpointCache';
import { CLASSIFIER_DATA } from './classifier/classifierCache';
import { CLASSIFIER_SETTINGS, type ClassifierSettings } from './classifier/digitClassifier';
import { classifierFolders, defaultClassifier, defaultClassifierWarning } from './defaultClassifier';
import { flowOfCheckpoint } from './flowOfCheckpoint';
import { DEFAULT_LIGHT_OPTIONS, lightAnalysis, type LightAnalysisOptions, type LightProgress } from './lightAnalysis';
import { pointFromAnalysis } from './pointFromAnalysis';
import type { Tick } from './progress';
import { parseTrajectoryPoint } from './trajectoryJson';
import type { TrajectoryPoint } from './trajectoryTypes';

/** Which classifier judges "recognizable" and "read as intended": its settings and the data it learned (both in the cache key). */
export interface ClassifierIdentity {
  readonly settings: ClassifierSettings;
  /** e.g. CLASSIFIER_DATA. */
  readonly data: string;
}

export const DEFAULT_CLASSIFIER: ClassifierIdentity = { settings: CLASSIFIER_SETTINGS, data: CLASSIFIER_DATA };

export interface LightCheckpointRequest {
  /** Path of the checkpoint (.safetensors). */
  readonly checkpoint: string;
  /** Overrides of DEFAULT_LIGHT_OPTIONS. */
  readonly options?: Partial<LightAnalysisOptions>;
  /** Reuse a valid cached point, or a cached full analysis (default true); false always recomputes (and writes the cache). */
  readonly reuseCache?: boolean;
  /** Take the point from a cached full analysis when there is one (default true). */
  readonly useFullAnalysis?: boolean;
  /** Images to analyse on instead of the run's data (a run trajectory loads them once). */
  readonly data?: AnalysisData;
  /** Where the classifier is cached; default as for analyzeCheckpoint. */
  readonly cacheFolder?: string;
  /** Which classifier; default the embedded digits' (DEFAULT_CLASSIFIER). */
  readonly classifierIdentity?: ClassifierIdentity;
  /** Gets that classifier; default: loadOrTrainClassifier on the embedded digits. */
  readonly classifier?: (tick: Tick) => Promise<ReadyClassifier>;
}

export interface LightCheckpointResult {
  readonly point: TrajectoryPoint;
  /** 'light': a cached light point; 'full': taken from a cached full analysis; null: computed now. */
  readonly fromCache: 'light' | 'full' | null;
  /** The point's cache file, written or read; null when taken from a full analysis or when it could not be written. */
  readonly cacheFile: string | null;
  readonly warnings: readonly string[];
}

const POINT_CACHE: CheckpointCacheKind<TrajectoryPoint> = {
  kind: 'invertscope-trajectory-point',
  field: 'point',
  suffix: 'point',
  parse: parseTrajectoryPoint,
  current: (key) => (JSON.parse(key) as { engine?: unknown }).engine === ENGINE_REVISION,
};

/**
 * The light options with `partial` laid over the defaults, checked: counts
 * positive integers within reason, δ positive and finite (sorted, without
 * duplicates), T finite and ≥ 0. Errors name the option and the value.
 *
 * @example
 *   resolveLightOptions({ testImages: 500 }).noiseImages;  // 50
 */
export function resolveLightOptions(partial: Partial<LightAnalysisOptions> = {}): LightAnalysisOptions {
  const merged: LightAnalysisOptions = { ...DEFAULT_LIGHT_OPTIONS, ...stripUndefined(partial) };
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new InvertscopeError(
      'BAD_INPUT',
      `light analysis option ${field} must be ${expected}, got ${JSON.stringify(value)}`,
      { field, value },
    );
  };
  const counts: Array<[keyof LightAnalysisOptions, number, number]> = [
    ['testImages', 10, 100000],
    ['noiseImages', 1, 10000],
    ['samplesPerClass', 1, 10000],
    ['generationSeeds', 1, 100],
  ];
  for (const [field, min, max] of counts) {
    const v = merged[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
      bad(field, v, `an integer in ${min}..${max}`);
  }
  if (!Number.isFinite(merged.seed)) bad('seed', merged.seed, 'a finite number');
  if (!(Number.isFinite(merged.temperature) && merged.temperature >= 0))
    bad('temperature', merged.temperature, 'a finite number ≥ 0');
  if (!Array.isArray(merged.noiseLevels) || merged.noiseLevels.length === 0 || merged.noiseLevels.length > 64)
    bad('noiseLevels', merged.noiseLevels, 'a list of 1 to 64 positive numbers');
  merged.noiseLevels.forEach((d, i) => {
    if (!(typeof d === 'number' && Number.isFinite(d) && d > 0))
      bad(`noiseLevels[${i}]`, d, 'a positive finite number');
  });
  for (const flag of ['noise', 'generation'] as const)
    if (typeof merged[flag] !== 'boolean') bad(flag, merged[flag], 'true or false');
  return {
    ...merged,
    noiseImages: Math.min(merged.noiseImages, merged.testImages),
    noiseLevels: [...new Set(merged.noiseLevels)].sort((a, b) => a - b),
  };
}

/** The options and classifier as one canonical string (names sorted): what a point depends on besides the checkpoint. */
function settingsText(options: LightAnalysisOptions, classifier: ClassifierIdentity): string {
  const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({
    engine: ENGINE_REVISION,
    classifier: { data: classifier.data, settings: sorted(classifier.settings) },
    options: sorted(options),
  });
}

/**
 * Where a checkpoint's light point is cached: `<stem>.point.json` for the
 * default options and classifier, `<stem>.point-<8 hex digits>.json` for others.
 *
 * @example
 *   pointCachePath('/runs/r/checkpoints/epoch-0010.safetensors');  // '/runs/r/checkpoints/epoch-0010.point.json'
 */
export function pointCachePath(
  checkpointFile: string,
  options: LightAnalysisOptions = DEFAULT_LIGHT_OPTIONS,
  classifier: ClassifierIdentity = DEFAULT_CLASSIFIER,
): string {
  return cacheFilePath(
    checkpointFile,
    POINT_CACHE.suffix,
    settingsText(options, classifier),
    settingsText(DEFAULT_LIGHT_OPTIONS, DEFAULT_CLASSIFIER),
  );
}

function keyText(sha256: string, options: LightAnalysisOptions, classifier: ClassifierIdentity): string {
  return JSON.stringify({ engine: ENGINE_REVISION, sha256, settings: settingsText(options, classifier) });
}

/**
 * The cached point of a checkpoint file for these options and classifier,
 * or one taken from a cached full analysis of the same file (when it has
 * every figure asked for, and `useFullAnalysis` is not false); null when
 * there is neither. Costs a hash of the file and a read of small files.
 *
 * @example
 *   const cached = await readCachedPoint({ checkpoint: 'runs/r/checkpoints/epoch-0010.safetensors' });
 */
export async function readCachedPoint(request: LightCheckpointRequest): Promise<LightCheckpointResult | null> {
  const file = resolve(request.checkpoint);
  const options = resolveLightOptions(request.options);
  const identity = request.classifierIdentity ?? DEFAULT_CLASSIFIER;
  const cacheFile = pointCachePath(file, options, identity);
  const sha = await sha256File(file).catch((error: unknown) => {
    throw new InvertscopeError(
      'NOT_FOUND',
      `cannot read checkpoint ${file}: ${describeError(error)}`,
      { file },
      { cause: error },
    );
  });
  const cached = await readCacheEntry(cacheFile, POINT_CACHE);
  if (cached && cached.key === keyText(sha, options, identity) && cached.value.checkpointSha256 === sha) {
    return { point: cached.value, fromCache: 'light', cacheFile, warnings: [] };
  }
  if (request.useFullAnalysis === false) return null;
  const full = await readAnyAnalysisCache(file, sha);
  const point = full ? pointFromAnalysis(full, options.temperature) : null;
  if (point && (!options.noise || point.noise) && (!options.generation || point.generation))
    return { point, fromCache: 'full', cacheFile: null, warnings: [] };
  return null;
}

/**
 * The point cached beside a checkpoint whose file has the SHA-256 `sha256`
 * (as its run recorded it), whatever options it was computed with, or the one
 * a cached full analysis of it gives; null when there is neither. Reads small
 * files only and hashes nothing: for views that show many runs at once (the
 * Runs tree, the runs dashboard), where hashing every checkpoint would cost
 * seconds.
 *
 * @example
 *   const point = await readAnyCachedPoint('runs/r/checkpoints/epoch-0010.safetensors', entry.sha256);
 */
export async function readAnyCachedPoint(
  checkpointFile: string,
  sha256: string,
  temperature = DEFAULT_LIGHT_OPTIONS.temperature,
): Promise<TrajectoryPoint | null> {
  const file = resolve(checkpointFile);
  const light = await readAnyCacheEntry(file, POINT_CACHE, (point) => point.checkpointSha256 === sha256);
  if (light) return light;
  const full = await readAnyAnalysisCache(file, sha256);
  return full ? pointFromAnalysis(full, temperature) : null;
}

/**
 * The light analysis of a checkpoint file (lightAnalysis): readCachedPoint
 * when `reuseCache` is not false, else computed on its run's test split and
 * cached next to the checkpoint (atomically: a cancelled computation writes
 * nothing). Cancelling through `signal` rejects with InvertscopeError('CANCELLED').
 *
 * @example
 *   const { point } = await lightAnalyzeCheckpoint({ checkpoint: 'runs/r/checkpoints/epoch-0010.safetensors' });
 *   point.roundTrips.float32.brokenFraction;
 */
export async function lightAnalyzeCheckpoint(
  request: LightCheckpointRequest,
  onProgress?: (progress: LightProgress) => void,
  signal?: AbortSignal,
): Promise<LightCheckpointResult> {
  if (request.reuseCache !== false) {
    const cached = await readCachedPoint(request);
    if (cached) return cached;
  }
  if (signal?.aborted) throw new InvertscopeError('CANCELLED', 'analysis cancelled');
  const file = resolve(request.checkpoint);
  const options = resolveLightOptions(request.options);
  const identity = request.classifierIdentity ?? DEFAULT_CLASSIFIER;
  const checkpoint = await readCheckpoint(file, { optimizer: 'skip' });
  const run = await checkpointRun(file);
  const flow = flowOfCheckpoint(checkpoint, run);
  const warnings: string[] = flow.kind === 'unknown-prior' ? [flow.warning] : [];
  const data = request.data ?? (await analysisData(run));
  const folders = classifierFolders(run, request.cacheFolder);
  const mismatch = request.classifier === undefined ? defaultClassifierWarning(data.classes) : null;
  if (mismatch) warnings.push(mismatch);
  const classifier = request.classifier ?? ((tick: Tick) => defaultClassifier(folders, identity.settings, tick));
  const point = await lightAnalysis(
    { ...checkpointNetworkInput(checkpoint, data, flow, classifier), options },
    onProgress,
    signal,
  );
  const cacheFile = pointCachePath(file, options, identity);
  try {
    await writeCacheEntry(cacheFile, POINT_CACHE, keyText(checkpoint.sha256, options, identity), point);
    return { point, fromCache: null, cacheFile, warnings };
  } catch (error) {
    return {
      point,
      fromCache: null,
      cacheFile: null,
      warnings: [...warnings, `the point could not be cached next to the checkpoint: ${describeError(error)}`],
    };
  }
}

import type { ClassifierSettings } from './classifier/digitClassifier';
import { CLASSIFIER_SETTINGS } from './classifier/digitClassifier';
import { analysisForFile, parseAnalysis } from './analysisJson';
import {
  cacheFilePath,
  readAnyCacheEntry,
  readCacheEntry,
  writeCacheEntry,
  type CheckpointCacheKind,
} from './checkpointCache';
import { DEFAULT_ANALYSIS_OPTIONS, type AnalysisOptions } from './options';
import type { CheckpointAnalysis } from './types';

/** CheckpointAnalysis.formatVersion of what this engine writes. */
export const ANALYSIS_FORMAT_VERSION = 1;
/**
 * Bumped when the engine computes anything differently, so caches from before
 * are recomputed. 2: flow checkpoints sample their own prior and report their
 * test likelihood; the target is also sampled at extraTemperatures. 3: the
 * three round trips over the same images, κ(J) beyond float64's resolution
 * as a bound, noise growth per image, generated sets drawn over seeds.
 */
export const ENGINE_REVISION = 3;
const CACHE_KIND = 'invertscope-analysis';

/** What an analysis depends on: a cache entry is valid only for an equal key. */
export interface AnalysisCacheKey {
  readonly checkpointSha256: string;
  readonly options: AnalysisOptions;
  /** The digit classifier's training settings (its scores are in the analysis). */
  readonly classifier: ClassifierSettings;
  /**
   * What that classifier learned from (ClassifierData.description) when it is
   * not the embedded digits' classifier; absent for that one, so the keys of
   * analyses judged by it are the same as before classifiers were per data set.
   */
  readonly classifierData?: string;
}

/** Everything in the key but the checkpoint, as one canonical string (option names sorted). */
function settingsText(options: AnalysisOptions, classifier: ClassifierSettings, classifierData?: string): string {
  const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({
    engine: ENGINE_REVISION,
    format: ANALYSIS_FORMAT_VERSION,
    classifier: sorted(classifier),
    ...(classifierData === undefined ? {} : { classifierData }),
    options: sorted(options),
  });
}

function keyText(key: AnalysisCacheKey): string {
  return JSON.stringify({
    sha256: key.checkpointSha256,
    settings: settingsText(key.options, key.classifier, key.classifierData),
  });
}

/** The classifier data a cache entry's key names (undefined: the embedded digits' classifier). */
function keyClassifierData(key: string): string | undefined {
  const settings = JSON.parse((JSON.parse(key) as { settings: string }).settings) as { classifierData?: unknown };
  return typeof settings.classifierData === 'string' ? settings.classifierData : undefined;
}

const ANALYSIS_CACHE: CheckpointCacheKind<CheckpointAnalysis> = {
  kind: CACHE_KIND,
  field: 'analysis',
  suffix: 'analysis',
  parse: (raw, file) => {
    const analysis = parseAnalysis(raw, file);
    if (analysis.formatVersion !== ANALYSIS_FORMAT_VERSION)
      throw new Error(`${file}: format ${analysis.formatVersion}`);
    return analysis;
  },
  toFile: analysisForFile,
  current: (key) => {
    const settings = JSON.parse((JSON.parse(key) as { settings: string }).settings) as {
      engine?: unknown;
      format?: unknown;
    };
    return settings.engine === ENGINE_REVISION && settings.format === ANALYSIS_FORMAT_VERSION;
  },
};

/**
 * The cache file of an analysis, next to its checkpoint:
 * checkpoints/epoch-0010.safetensors has checkpoints/epoch-0010.analysis.json
 * for the default options, and epoch-0010.analysis-<8 hex digits>.json for
 * others, so analyses with different options do not evict each other.
 *
 * @example
 *   analysisCachePath('/runs/r/checkpoints/epoch-0010.safetensors');  // '/runs/r/checkpoints/epoch-0010.analysis.json'
 */
export function analysisCachePath(
  checkpointFile: string,
  options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS,
  classifier: ClassifierSettings = CLASSIFIER_SETTINGS,
  classifierData?: string,
): string {
  return cacheFilePath(
    checkpointFile,
    ANALYSIS_CACHE.suffix,
    settingsText(options, classifier, classifierData),
    settingsText(DEFAULT_ANALYSIS_OPTIONS, CLASSIFIER_SETTINGS),
  );
}

/**
 * The cached analysis for `key`, or null when there is none or it cannot be
 * trusted: unreadable, truncated or malformed JSON, another kind of file, a
 * different key (the checkpoint changed, or other options), or a field of the
 * wrong type or shape. Never throws for a bad file: the caller recomputes and
 * overwrites it.
 *
 * @example
 *   const cached = await readAnalysisCache(file, { checkpointSha256, options, classifier: CLASSIFIER_SETTINGS });
 */
export async function readAnalysisCache(
  checkpointFile: string,
  key: AnalysisCacheKey,
): Promise<CheckpointAnalysis | null> {
  const entry = await readCacheEntry(
    analysisCachePath(checkpointFile, key.options, key.classifier, key.classifierData),
    ANALYSIS_CACHE,
  );
  if (!entry || entry.key !== keyText(key) || entry.value.checkpointSha256 !== key.checkpointSha256) return null;
  return entry.value;
}

/**
 * The most recently computed valid analysis of this checkpoint (same SHA-256,
 * this engine, judged by the classifier of `classifierData`: the embedded
 * digits' when omitted), whatever options it was computed with; null when
 * there is none. For views that show what is known without asking for
 * particular options.
 *
 * @example
 *   const any = await readAnyAnalysisCache(file, checkpointSha256);
 */
export function readAnyAnalysisCache(
  checkpointFile: string,
  checkpointSha256: string,
  classifierData?: string,
): Promise<CheckpointAnalysis | null> {
  return readAnyCacheEntry(
    checkpointFile,
    ANALYSIS_CACHE,
    (analysis, key) => analysis.checkpointSha256 === checkpointSha256 && keyClassifierData(key) === classifierData,
  );
}

/** Writes the cache entry atomically (a reader sees the old file or the new one); returns its path. */
export async function writeAnalysisCache(
  checkpointFile: string,
  key: AnalysisCacheKey,
  analysis: CheckpointAnalysis,
): Promise<string> {
  const file = analysisCachePath(checkpointFile, key.options, key.classifier, key.classifierData);
  await writeCacheEntry(file, ANALYSIS_CACHE, keyText(key), analysis);
  return file;
}

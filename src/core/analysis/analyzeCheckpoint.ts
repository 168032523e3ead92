import { resolve } from 'node:path';
import { sha256File } from '../data/sha256File';
import { describeError, InvertscopeError } from '../errors';
import { readCheckpoint } from '../store/checkpoint';
import { analysisCachePath, readAnalysisCache, readAnyAnalysisCache, writeAnalysisCache } from './analysisCache';
import { analyzeNetwork, checkpointNetworkInput } from './analyzeNetwork';
import { analysisData, checkpointRun, type AnalysisData } from './checkpointData';
import { classifierDataFor } from './classifier/classifierData';
import { CLASSIFIER_SETTINGS, type ClassifierSettings } from './classifier/digitClassifier';
import { classifierFolders, defaultClassifier, defaultClassifierWarning } from './defaultClassifier';
import { flowOfCheckpoint } from './flowOfCheckpoint';
import { resolveAnalysisOptions, type AnalysisOptions } from './options';
import type { PartialAnalysisListener } from './partialAnalysis';
import { progressTracker, type AnalysisProgressListener, type Tick } from './progress';
import type { CheckpointAnalysis } from './types';

export interface AnalyzeRequest {
  /** Path of the checkpoint (.safetensors). */
  readonly checkpoint: string;
  /** Overrides of DEFAULT_ANALYSIS_OPTIONS. */
  readonly options?: Partial<AnalysisOptions>;
  /** Where the digit classifier is cached; default: `.cache` in the runs folder, or ~/.cache/invertscope. */
  readonly cacheFolder?: string;
  /** Reuse a valid cached analysis (default true); false always recomputes (and still writes the cache). */
  readonly reuseCache?: boolean;
  /** Images to analyse on instead of the run's data (tests, or a caller that has them loaded). */
  readonly data?: AnalysisData;
  /** How the digit classifier is trained, over CLASSIFIER_SETTINGS (a cheaper one for tests). */
  readonly classifierSettings?: Partial<ClassifierSettings>;
}

export interface AnalyzeResult {
  readonly analysis: CheckpointAnalysis;
  /** Whether the analysis came from the cache file unchanged. */
  readonly fromCache: boolean;
  /** The cache file written or read; null when it could not be written (the reason is in `warnings`). */
  readonly cacheFile: string | null;
  readonly warnings: readonly string[];
}

export interface AnalyzeHooks {
  readonly onProgress?: AnalysisProgressListener;
  /** Aborting rejects the analysis with InvertscopeError('CANCELLED') at the next stage boundary. */
  readonly signal?: AbortSignal;
  /** What is known before the end (spectra and κ first), for views that show it at once; not called for a cached analysis. */
  readonly onPartial?: PartialAnalysisListener;
}

/**
 * The analysis of a checkpoint file, from its cache when that is valid for
 * the file's SHA-256 and the options, otherwise computed (analyzeNetwork; a
 * flow checkpoint with its prior from the flow sidecar) on
 * its run's test split (the embedded digits' default split for a checkpoint
 * without recorded data) and cached next to the checkpoint.
 *
 * @example
 *   const { analysis, fromCache } = await analyzeCheckpoint({ checkpoint: 'runs/r/checkpoints/epoch-0002.safetensors' },
 *     { onProgress: (p) => console.error(p.message) });
 *   analysis.jacobian.verdictText;
 */
export async function analyzeCheckpoint(request: AnalyzeRequest, hooks: AnalyzeHooks = {}): Promise<AnalyzeResult> {
  const file = resolve(request.checkpoint);
  const options = resolveAnalysisOptions(request.options);
  const classifierSettings: ClassifierSettings = { ...CLASSIFIER_SETTINGS, ...request.classifierSettings };
  const progress = progressTracker(hooks.onProgress, hooks.signal);
  const tick = progress.stage('load');
  await tick(0, `reading ${file}`);
  const run = await checkpointRun(file);
  const classifierData = await classifierDataFor(run?.record.config.data ?? null);
  const key = {
    options,
    classifier: classifierSettings,
    ...(classifierData.isDefault ? {} : { classifierData: classifierData.description }),
  };
  if (request.reuseCache !== false) {
    const sha = await sha256File(file).catch((error: unknown) => {
      throw new InvertscopeError(
        'NOT_FOUND',
        `cannot read checkpoint ${file}: ${describeError(error)}`,
        { file },
        { cause: error },
      );
    });
    const cached = await readAnalysisCache(file, { checkpointSha256: sha, ...key });
    if (cached)
      return {
        analysis: cached,
        fromCache: true,
        cacheFile: analysisCachePath(file, options, classifierSettings, key.classifierData),
        warnings: [],
      };
  }
  const checkpoint = await readCheckpoint(file, { optimizer: 'skip' });
  const flow = flowOfCheckpoint(checkpoint, run);
  const warnings: string[] = flow.kind === 'unknown-prior' ? [flow.warning] : [];
  await tick(0.3, 'loading the data');
  const data = request.data ?? (await analysisData(run));
  await tick(1);
  // Data of its own (IDX files) has a classifier of its own; only the embedded digits' can be the wrong one.
  const mismatch = classifierData.isDefault ? defaultClassifierWarning(data.classes) : null;
  if (mismatch) warnings.push(mismatch);

  const folders = classifierFolders(run, request.cacheFolder);
  const classifier = (classifierTick: Tick) =>
    defaultClassifier(folders, classifierSettings, classifierTick, classifierData);
  const analysis = await analyzeNetwork(
    { ...checkpointNetworkInput(checkpoint, data, flow, classifier), options },
    progress,
    hooks.onPartial,
  );

  let cacheFile: string | null = null;
  try {
    cacheFile = await writeAnalysisCache(file, { checkpointSha256: checkpoint.sha256, ...key }, analysis);
  } catch (error) {
    warnings.push(`the analysis could not be cached next to the checkpoint: ${describeError(error)}`);
  }
  return { analysis, fromCache: false, cacheFile, warnings };
}

/**
 * The cached analysis of a checkpoint for these options (the defaults when
 * omitted), or null when there is no valid one; computes nothing (hashing the
 * file is all it costs).
 *
 * @example
 *   const analysis = await readCachedAnalysis('runs/r/checkpoints/epoch-0002.safetensors');
 */
export async function readCachedAnalysis(
  checkpoint: string,
  options?: Partial<AnalysisOptions>,
  classifierSettings?: Partial<ClassifierSettings>,
): Promise<CheckpointAnalysis | null> {
  const file = resolve(checkpoint);
  const sha = await sha256OrNull(file);
  if (sha === null) return null;
  const classifierData = await checkpointClassifierData(file);
  return readAnalysisCache(file, {
    checkpointSha256: sha,
    options: resolveAnalysisOptions(options),
    classifier: { ...CLASSIFIER_SETTINGS, ...classifierSettings },
    ...(classifierData === undefined ? {} : { classifierData }),
  });
}

/**
 * The most recent valid cached analysis of a checkpoint, whatever options it
 * was computed with, or null: for views that show what is known (the runs
 * tree) without asking for particular settings.
 *
 * @example
 *   const analysis = await readAnyCachedAnalysis('runs/r/checkpoints/epoch-0002.safetensors');
 */
export async function readAnyCachedAnalysis(checkpoint: string): Promise<CheckpointAnalysis | null> {
  const file = resolve(checkpoint);
  const sha = await sha256OrNull(file);
  if (sha === null) return null;
  return readAnyAnalysisCache(file, sha, await checkpointClassifierData(file));
}

/** What the classifier of a checkpoint's run learned from, when that is not the embedded digits (undefined: it is; or the data cannot be found). */
async function checkpointClassifierData(file: string): Promise<string | undefined> {
  const run = await checkpointRun(file);
  const data = await classifierDataFor(run?.record.config.data ?? null).catch(() => null);
  return data && !data.isDefault ? data.description : undefined;
}

/** A checkpoint that cannot be read has no cached analysis. */
function sha256OrNull(file: string): Promise<string | null> {
  return sha256File(file).catch(() => null);
}

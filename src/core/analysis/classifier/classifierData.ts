import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { subset, type DataSpec, type SplitData } from '../../data/dataset';
import { DEFAULT_DATA_SPEC } from '../../data/loadData';
import { findIdxFiles } from '../../data/readIdx';
import { sha256File } from '../../data/sha256File';
import { balancedSelection } from '../balancedSelection';
import { loadData } from '../checkpointData';
import { CLASSIFIER_DATA } from './classifierCache';

/** Training images a classifier of another data set learns from, at most (balanced over the classes): the cost of the embedded digits' 8,000. */
const CLASSIFIER_TRAIN_IMAGES = 10_000;

/** The data a classifier learns from, named by what it is: the name is part of its cache key and of the analyses' keys. */
export interface ClassifierData {
  /** CLASSIFIER_DATA for the embedded digits; for other data, the training files' SHA-256 and the image count. */
  readonly description: string;
  /** Whether it is the embedded digits' classifier (the one every analysis used before classifiers were per data set). */
  readonly isDefault: boolean;
  /** The train split it learns from and the test split its accuracy is measured on. */
  readonly load: () => Promise<SplitData>;
}

export const DEFAULT_CLASSIFIER_DATA: ClassifierData = {
  description: CLASSIFIER_DATA,
  isDefault: true,
  load: () => loadData(DEFAULT_DATA_SPEC),
};

/** Hashes of IDX files by path, size and modification time: a trajectory asks for every checkpoint of a run. */
const hashes = new Map<string, Promise<string>>();

/**
 * The classifier data for a run's data: the embedded digits (any split of
 * them, and a checkpoint outside a run) share the embedded digits'
 * classifier; an IDX folder (MNIST's own files, Fashion-MNIST, …) gets one of
 * its own, trained on up to CLASSIFIER_TRAIN_IMAGES of its training images and
 * named by the SHA-256 of its training files, so the same files in any folder,
 * for any run, find the same cached classifier, and other files never do.
 *
 * @example
 *   const data = await classifierDataFor({ kind: 'idx', folder: '/usr/share/datasets/fashion-mnist' });
 *   data.description;  // 'IDX train-images-idx3-ubyte.gz (sha256 0a1b…) and train-labels-idx1-ubyte.gz (sha256 …), 10000 balanced training images'
 */
export async function classifierDataFor(spec: DataSpec | null): Promise<ClassifierData> {
  if (spec === null || spec.kind !== 'idx') return DEFAULT_CLASSIFIER_DATA;
  const files = findIdxFiles(spec.folder);
  const [images, labels] = await Promise.all([fileHash(files.trainImages), fileHash(files.trainLabels)]);
  return {
    description:
      `IDX ${basename(files.trainImages)} (sha256 ${images.slice(0, 16)}) and ${basename(files.trainLabels)} (sha256 ${labels.slice(0, 16)}), ` +
      `${CLASSIFIER_TRAIN_IMAGES} balanced training images`,
    isDefault: false,
    load: async () => {
      const split = await loadData(spec);
      const rows = balancedSelection(split.train.labels, split.train.classes, CLASSIFIER_TRAIN_IMAGES);
      return { ...split, train: rows.length === split.train.count ? split.train : subset(split.train, rows) };
    },
  };
}

async function fileHash(file: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  const key = `${file}\n${size}\n${mtimeMs}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = sha256File(file);
    hashes.set(key, hash);
    hash.catch(() => hashes.delete(key));
  }
  return hash;
}

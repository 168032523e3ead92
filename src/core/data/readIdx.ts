import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvertscopeError } from '../errors';
import { IMAGE_SIDE } from '../model/architecture';
import type { Dataset } from './dataset';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MNIST_IDX_NAMES, type IdxRole } from './idxFormat';
import { unitFloatsFromBytes } from './pixelBytes';
import { readIdxFile } from './readIdxFile';

/** Paths of the four files of an MNIST-layout folder, as found on disk. */
export type IdxFolderFiles = { readonly [role in IdxRole]: string };

export interface IdxFolderData {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly files: IdxFolderFiles;
}

/** Images of an IDX image file (28×28 only), as float32 in [0, 1]. */
async function readIdxImages(file: string): Promise<{ readonly images: Float32Array; readonly count: number }> {
  const { header, data } = await readIdxFile(file, IDX_IMAGES_MAGIC, ({ dims: [, rows, cols] }) => {
    if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `${file}: images are ${rows}×${cols}; Invertscope's networks need ${IMAGE_SIDE}×${IMAGE_SIDE}`,
        { file, field: 'rows×cols', value: `${rows}×${cols}` },
      );
    }
  });
  return { images: unitFloatsFromBytes(data), count: header.dims[0] };
}

/** Labels of an IDX label file; every label must be below `classes`. */
async function readIdxLabels(file: string, classes = 10): Promise<Uint8Array> {
  const { data: labels } = await readIdxFile(file, IDX_LABELS_MAGIC);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new InvertscopeError('CORRUPT', `${file}: label ${i} is ${labels[i]}, outside 0..${classes - 1}`, {
        file,
        field: `label[${i}]`,
        value: labels[i],
      });
    }
  }
  return labels;
}

/** An image file and its label file as one dataset; their counts must agree and be at least 1. */
async function readIdxPair(imagesFile: string, labelsFile: string, classes = 10): Promise<Dataset> {
  const [{ images, count }, labels] = await Promise.all([
    readIdxImages(imagesFile),
    readIdxLabels(labelsFile, classes),
  ]);
  if (labels.length !== count) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.length} labels; the counts must match`,
      { file: labelsFile, field: 'count', value: labels.length },
    );
  }
  if (count === 0) {
    throw new InvertscopeError('BAD_INPUT', `${imagesFile}: holds no images`, {
      file: imagesFile,
      field: 'count',
      value: 0,
    });
  }
  return { images, labels, count, classes };
}

/**
 * Finds the four official MNIST file names in `folder`, each as given or with
 * ".gz" (the plain name wins when both exist, since it needs no inflating).
 *
 * @throws InvertscopeError NOT_FOUND listing every path looked for and not found.
 */
export function findIdxFiles(folder: string): IdxFolderFiles {
  const root = resolve(folder);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new InvertscopeError('NOT_FOUND', `IDX folder ${root} does not exist or is not a folder`, { file: root });
  }
  const found: Partial<Record<IdxRole, string>> = {};
  const missing: string[] = [];
  for (const role of Object.keys(MNIST_IDX_NAMES) as IdxRole[]) {
    const candidates = [join(root, MNIST_IDX_NAMES[role]), join(root, `${MNIST_IDX_NAMES[role]}.gz`)];
    const hit = candidates.find((path) => existsSync(path) && statSync(path).isFile());
    if (hit === undefined) missing.push(MNIST_IDX_NAMES[role]);
    else found[role] = hit;
  }
  if (missing.length > 0) {
    const lookedFor = missing.map((name) => `${name} or ${name}.gz`).join('; ');
    throw new InvertscopeError('NOT_FOUND', `IDX folder ${root} is missing files: looked for ${lookedFor}`, {
      file: root,
      field: 'files',
      value: missing,
    });
  }
  return found as IdxFolderFiles;
}

/**
 * Loads a folder in the official MNIST layout (MNIST, Fashion-MNIST, ...): the
 * train pair becomes `train`, the t10k pair `test`. All four files are read and
 * inflated concurrently.
 */
export async function readIdxFolder(folder: string, classes = 10): Promise<IdxFolderData> {
  const files = findIdxFiles(folder);
  const [train, test] = await Promise.all([
    readIdxPair(files.trainImages, files.trainLabels, classes),
    readIdxPair(files.testImages, files.testLabels, classes),
  ]);
  return { train, test, files };
}

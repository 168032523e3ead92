import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng } from '../../../src/core/random/rng';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MNIST_IDX_NAMES } from '../../../src/core/data/idxFormat';

/** An IDX image file: magic, count, rows, cols, then the pixels. */
export function idxImages(pixels: Uint8Array, count: number, rows = 28, cols = 28, magic = IDX_IMAGES_MAGIC): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  return Buffer.concat([header, pixels]);
}

/** An IDX label file: magic, count, then the labels. */
export function idxLabels(labels: Uint8Array, count = labels.length, magic = IDX_LABELS_MAGIC): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, labels]);
}

export interface PixelSet {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** Seeded random 28×28 images and labels in 0..classes-1. */
export function randomPixelSet(seed: number, count: number, classes = 10): PixelSet {
  const rng = createRng(seed);
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(classes);
  return { pixels, labels, count };
}

export interface MnistFolder {
  readonly folder: string;
  readonly train: PixelSet;
  readonly test: PixelSet;
  /** File path by role, as written. */
  readonly paths: { readonly [role in keyof typeof MNIST_IDX_NAMES]: string };
}

/** Writes a valid folder in the official MNIST layout, gzipped or plain. */
export function writeMnistFolder(
  folder: string,
  options: { gzip: boolean; trainCount?: number; testCount?: number; seed?: number },
): MnistFolder {
  const seed = options.seed ?? 1;
  const train = randomPixelSet(seed, options.trainCount ?? 12);
  const test = randomPixelSet(seed + 1, options.testCount ?? 5);
  const contents = {
    trainImages: idxImages(train.pixels, train.count),
    trainLabels: idxLabels(train.labels),
    testImages: idxImages(test.pixels, test.count),
    testLabels: idxLabels(test.labels),
  };
  const paths = {} as Record<keyof typeof MNIST_IDX_NAMES, string>;
  for (const role of Object.keys(contents) as (keyof typeof MNIST_IDX_NAMES)[]) {
    const path = join(folder, MNIST_IDX_NAMES[role] + (options.gzip ? '.gz' : ''));
    writeFileSync(path, options.gzip ? gzipSync(contents[role]) : contents[role]);
    paths[role] = path;
  }
  return { folder, train, test, paths };
}

/** A fresh folder under the system temp folder, and a function that removes it. */
export function makeTempFolder(prefix: string): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), `invertscope-${prefix}-`));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

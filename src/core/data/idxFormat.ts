/**
 * The IDX layout of the official MNIST files (and Fashion-MNIST's): a 32-bit
 * big-endian magic number — two zero bytes, the element type (0x08 = unsigned
 * byte), the number of dimensions — then one big-endian 32-bit size per
 * dimension, then the elements in row-major order.
 */
export const IDX_LABELS_MAGIC = 0x00000801; // ubyte, 1 dimension: 2049
export const IDX_IMAGES_MAGIC = 0x00000803; // ubyte, 3 dimensions: 2051

/** The four file names of the official MNIST distribution, without the optional ".gz". */
export const MNIST_IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxRole = keyof typeof MNIST_IDX_NAMES;

export interface IdxHeader {
  readonly magic: number;
  /** Size of each dimension, outermost first: [count] for labels, [count, rows, cols] for images. */
  readonly dims: readonly number[];
  /** Offset of the first element. */
  readonly dataOffset: number;
}

/** "0x00000803 (2051, IDX images)"; other values show their hex and decimal only. */
export function describeMagic(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  const kind = magic === IDX_IMAGES_MAGIC ? ', IDX images' : magic === IDX_LABELS_MAGIC ? ', IDX labels' : '';
  return `${hex} (${magic}${kind})`;
}

export function describeDims(dims: readonly number[]): string {
  if (dims.length === 3) return `${dims[0]} images of ${dims[1]}×${dims[2]}`;
  if (dims.length === 1) return `${dims[0]} labels`;
  return `dimensions ${dims.join('×')}`;
}

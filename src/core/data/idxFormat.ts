import { InvertscopeError } from '../errors';

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

/**
 * Reads and checks the header of an unsigned-byte IDX file, and that the file is
 * exactly as long as the header says.
 *
 * @throws InvertscopeError BAD_INPUT for a different magic number (what was
 *   expected and found), CORRUPT for a file shorter or longer than its header says.
 */
export function parseIdxHeader(bytes: Uint8Array, file: string, expectedMagic: number): IdxHeader {
  if (bytes.length < 4) {
    throw new InvertscopeError('CORRUPT', `${file}: truncated: ${bytes.length} bytes present, the IDX magic number alone needs 4`, {
      file, field: 'length', value: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${file}: wrong magic number: expected ${describeMagic(expectedMagic)}, found ${describeMagic(magic)}`,
      { file, field: 'magic', value: magic },
    );
  }
  const rank = magic & 0xff;
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    throw new InvertscopeError('CORRUPT', `${file}: truncated: header needs ${dataOffset} bytes, ${bytes.length} present`, {
      file, field: 'length', value: bytes.length,
    });
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expectedLength = dataOffset + dims.reduce((a, b) => a * b, 1);
  if (bytes.length < expectedLength) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: truncated: header promises ${describeDims(dims)}, ${expectedLength} bytes expected, ${bytes.length} present`,
      { file, field: 'length', value: bytes.length },
    );
  }
  if (bytes.length > expectedLength) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: ${bytes.length - expectedLength} bytes after the data: header promises ${describeDims(dims)}, ${expectedLength} bytes expected, ${bytes.length} present`,
      { file, field: 'length', value: bytes.length },
    );
  }
  return { magic, dims, dataOffset };
}

/** "0x00000803 (2051, IDX images)"; other values show their hex and decimal only. */
export function describeMagic(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  const kind = magic === IDX_IMAGES_MAGIC ? ', IDX images' : magic === IDX_LABELS_MAGIC ? ', IDX labels' : '';
  return `${hex} (${magic}${kind})`;
}

function describeDims(dims: readonly number[]): string {
  if (dims.length === 3) return `${dims[0]} images of ${dims[1]}×${dims[2]}`;
  if (dims.length === 1) return `${dims[0]} labels`;
  return `dimensions ${dims.join('×')}`;
}

import { endianness } from 'node:os';

/**
 * The element types of the safetensors format that Invertscope reads and writes.
 * F16 and BF16 have no JavaScript array type; their raw 16-bit patterns are kept
 * in a Uint16Array so a round trip is exact.
 */
export type SafetensorsDtype =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export type TensorData =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigUint64Array
  | Uint32Array
  | Uint8Array;

export interface Tensor {
  readonly dtype: SafetensorsDtype;
  /** Row-major (C order) dimensions; [] is a scalar with one element. */
  readonly shape: readonly number[];
  readonly data: TensorData;
}

interface DtypeInfo {
  readonly bytes: number;
  readonly array: { new (buffer: ArrayBuffer, byteOffset: number, length: number): TensorData; readonly name: string };
}

export const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  F64: { bytes: 8, array: Float64Array },
  F32: { bytes: 4, array: Float32Array },
  F16: { bytes: 2, array: Uint16Array },
  BF16: { bytes: 2, array: Uint16Array },
  I64: { bytes: 8, array: BigInt64Array },
  I32: { bytes: 4, array: Int32Array },
  I16: { bytes: 2, array: Int16Array },
  I8: { bytes: 1, array: Int8Array },
  U64: { bytes: 8, array: BigUint64Array },
  U32: { bytes: 4, array: Uint32Array },
  U16: { bytes: 2, array: Uint16Array },
  U8: { bytes: 1, array: Uint8Array },
  BOOL: { bytes: 1, array: Uint8Array },
};

export function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

const hostIsBigEndian = endianness() === 'BE';

/**
 * Wraps little-endian file bytes (which the caller owns and has aligned) as a typed
 * array. On a big-endian host the bytes are swapped in place first.
 */
export function viewLittleEndian(dtype: SafetensorsDtype, buffer: ArrayBuffer, length: number): TensorData {
  const { bytes, array } = DTYPES[dtype];
  if (hostIsBigEndian && bytes > 1) swapBytes(new Uint8Array(buffer, 0, length * bytes), bytes);
  return new array(buffer, 0, length);
}

/** The bytes to store for a typed array: a view of its memory, or a swapped copy on a big-endian host. */
export function littleEndianBytes(dtype: SafetensorsDtype, data: TensorData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const { bytes } = DTYPES[dtype];
  if (!hostIsBigEndian || bytes === 1) return view;
  const copy = view.slice();
  swapBytes(copy, bytes);
  return copy;
}

function swapBytes(view: Uint8Array, width: number): void {
  for (let i = 0; i < view.length; i += width) view.subarray(i, i + width).reverse();
}

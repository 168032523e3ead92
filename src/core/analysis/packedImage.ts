import { Buffer } from 'node:buffer';
import type { Json, Reader } from './jsonReader';

/**
 * An image as a cache file stores it: its values as little-endian IEEE bytes
 * in base64, float32 when every value is exactly a float32 (the float32
 * inverse's images and the pixels), float64 otherwise. Lossless either way,
 * NaN, ±Infinity and −0 included. Written as a JSON number array, a full
 * analysis's ~750 images make 9 of its 10 MB and most of the time spent
 * encoding and parsing it.
 */
export type PackedImage = { readonly float32: string } | { readonly float64: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * @example
 *   packImage([0, 0.5, 1]);  // { float32: 'AAAAAAAAAD8AAIA/' }
 */
export function packImage(values: readonly number[]): PackedImage {
  const single = values.every((v) => Number.isNaN(v) || Math.fround(v) === v);
  const width = single ? 4 : 8;
  const bytes = new DataView(new ArrayBuffer(values.length * width));
  for (let i = 0; i < values.length; i++) {
    if (single) bytes.setFloat32(i * 4, values[i], true);
    else bytes.setFloat64(i * 8, values[i], true);
  }
  const text = Buffer.from(bytes.buffer).toString('base64');
  return single ? { float32: text } : { float64: text };
}

/**
 * The `length` values of an image read from untrusted JSON: a PackedImage, or
 * the plain number array that caches written before packing hold. Fails
 * through `reader`, naming `path`, for anything else.
 */
export function readImage(reader: Reader, value: Json, path: string, length: number): number[] {
  if (Array.isArray(value)) return reader.numbers(value, path, length);
  const o = reader.object(value, path);
  const width = typeof o.float32 === 'string' ? 4 : typeof o.float64 === 'string' ? 8 : 0;
  if (width === 0) return reader.fail(path, 'a number array or { float32 | float64: base64 }', value);
  const key = width === 4 ? 'float32' : 'float64';
  const text = o[key] as string;
  if (!BASE64.test(text)) return reader.fail(`${path}.${key}`, 'base64', text);
  const buffer = Buffer.from(text, 'base64');
  if (buffer.length !== length * width)
    return reader.fail(`${path}.${key}`, `${length} values (${length * width} bytes)`, `${buffer.length} bytes`);
  const bytes = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  const values = new Array<number>(length);
  for (let i = 0; i < length; i++)
    values[i] = width === 4 ? bytes.getFloat32(i * 4, true) : bytes.getFloat64(i * 8, true);
  return values;
}

import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../atomicWrite';
import { badInput, show } from '../storeErrors';
import { DTYPES, littleEndianBytes, type Tensor } from './dtypes';
import { METADATA_KEY } from './parseHeader';

export type TensorSet = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

export interface EncodedSafetensors {
  /** The file as a list of pieces (length + header, then each tensor's bytes), so big tensors are not copied. */
  readonly chunks: readonly Uint8Array[];
  readonly byteLength: number;
  readonly sha256: string;
}

/**
 * Lays out a safetensors file. Tensors are stored in natural name order
 * ("2.weight" before "10.weight"), whatever order the caller built them in, so
 * equal contents always give equal bytes. The header is padded with spaces to a
 * multiple of 8 so every tensor starts 8-byte aligned in the file.
 */
export function encodeSafetensors(
  tensors: TensorSet,
  metadata: Readonly<Record<string, string>> = {},
  target = '(safetensors)',
): EncodedSafetensors {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)) as [string, Tensor][];
  entries.sort(([a], [b]) => naturalCompare(a, b));
  const parts: string[] = [];
  const metaKeys = Object.keys(metadata).sort();
  if (metaKeys.length > 0) {
    const fields = metaKeys.map((key) => {
      const value = metadata[key];
      if (typeof value !== 'string')
        throw badInput(target, `${METADATA_KEY}[${show(key)}]`, `must be a string, got ${show(value)}`, value);
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(',')}}`);
  }
  const buffers: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of entries) {
    checkTensor(name, tensor, target);
    const bytes = littleEndianBytes(tensor.dtype, tensor.data);
    // Built as text so integer-like names ("0") keep their place; object key order would move them.
    parts.push(
      `${JSON.stringify(name)}:{"dtype":${JSON.stringify(tensor.dtype)},"shape":${JSON.stringify(tensor.shape)},"data_offsets":[${offset},${offset + bytes.length}]}`,
    );
    buffers.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const headerLength = Math.ceil(json.length / 8) * 8;
  const head = Buffer.alloc(8 + headerLength, 0x20);
  head.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(head, 8);
  const chunks = [head, ...buffers];
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return { chunks, byteLength: head.length + offset, sha256: hash.digest('hex') };
}

/** Writes a safetensors file atomically (see writeFileAtomic). */
export async function writeSafetensors(
  file: string,
  tensors: TensorSet,
  metadata: Readonly<Record<string, string>> = {},
): Promise<{ sha256: string; byteLength: number }> {
  const encoded = encodeSafetensors(tensors, metadata, file);
  await writeFileAtomic(file, encoded.chunks);
  return { sha256: encoded.sha256, byteLength: encoded.byteLength };
}

function checkTensor(name: string, tensor: Tensor, target: string): void {
  const field = `tensor ${show(name)}`;
  if (name.length === 0 || name === METADATA_KEY) throw badInput(target, field, 'is not a usable tensor name', name);
  const info = DTYPES[tensor.dtype];
  if (!info) throw badInput(target, `${field}.dtype`, `unknown dtype ${show(tensor.dtype)}`, tensor.dtype);
  if (!(tensor.data instanceof info.array)) {
    throw badInput(
      target,
      `${field}.data`,
      `a ${tensor.dtype} tensor needs a ${info.array.name}, got ${tensor.data?.constructor?.name ?? show(tensor.data)}`,
    );
  }
  let elements = 1;
  tensor.shape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0)
      throw badInput(target, `${field}.shape[${i}]`, `must be a non-negative integer, got ${show(d)}`, d);
    elements *= d;
  });
  if (elements !== tensor.data.length) {
    throw badInput(
      target,
      `${field}.shape`,
      `${show(tensor.shape)} has ${elements} elements but the data has ${tensor.data.length}`,
      tensor.shape,
    );
  }
}

/** Compares names piecewise, digits as numbers: "2.weight" < "10.bias". */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i],
      y = pb[i];
    const nx = /^\d/.test(x),
      ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y) || x.length - y.length;
      if (d !== 0) return d;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

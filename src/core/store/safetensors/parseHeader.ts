import { checkJsonDepth } from '../jsonLimits';
import { corrupt, show } from '../storeErrors';
import { DTYPES, isDtype, type SafetensorsDtype } from './dtypes';
import { findDuplicateKey } from './duplicateKeys';

/** Where one tensor lives, as checked against the rest of the file. Offsets are relative to the data buffer. */
export interface TensorLayout {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** In buffer order (by begin offset), which is also the order the bytes are read and hashed. */
  readonly tensors: readonly TensorLayout[];
  readonly metadata: Readonly<Record<string, string>>;
}

export const METADATA_KEY = '__metadata__';
const ENTRY_FIELDS = new Set(['dtype', 'shape', 'data_offsets']);

/**
 * Validates a header against the size of the data buffer that follows it, so that
 * reading the tensors afterwards touches exactly the bytes of the buffer, each once.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, dataLength: number, file: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch (error) {
    throw corrupt(file, 'header', 'is not valid UTF-8', undefined, error);
  }
  checkJsonDepth(text, file, 'header');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(
      file,
      'header',
      `is not valid JSON (${(error as Error).message}); it starts with ${show(text.slice(0, 40))}`,
      text.slice(0, 40),
      error,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corrupt(file, 'header', `must be a JSON object, got ${show(parsed)}`, parsed);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const { path, key } = duplicate;
    if (path.length === 0) {
      throw corrupt(
        file,
        key === METADATA_KEY ? METADATA_KEY : `tensor ${show(key)}`,
        'appears more than once in the header',
        key,
      );
    }
    const owner = path[0] === METADATA_KEY ? METADATA_KEY : `tensor ${show(path[0])}`;
    throw corrupt(file, [owner, ...path.slice(1)].join('.'), `has the key ${show(key)} more than once`, key);
  }

  let metadata: Record<string, string> = {};
  const tensors: TensorLayout[] = [];
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = parseMetadata(entry, file);
    else tensors.push(parseEntry(name, entry, dataLength, file));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(tensors, dataLength, file);
  return { tensors, metadata };
}

function parseMetadata(entry: unknown, file: string): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw corrupt(file, METADATA_KEY, `must be an object of strings, got ${show(entry)}`, entry);
  }
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== 'string')
      throw corrupt(file, `${METADATA_KEY}[${show(key)}]`, `must be a string, got ${show(value)}`, value);
    metadata[key] = value;
  }
  return { ...metadata };
}

function parseEntry(name: string, entry: unknown, dataLength: number, file: string): TensorLayout {
  const field = `tensor ${show(name)}`;
  if (name.length === 0) throw corrupt(file, field, 'has an empty name', name);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw corrupt(file, field, `must be an object {dtype, shape, data_offsets}, got ${show(entry)}`, entry);
  }
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!ENTRY_FIELDS.has(key))
      throw corrupt(file, `${field}.${key}`, 'is not a safetensors field (expected dtype, shape, data_offsets)', key);
  }
  if (!isDtype(e.dtype)) {
    throw corrupt(
      file,
      `${field}.dtype`,
      `unknown dtype ${show(e.dtype)} (supported: ${Object.keys(DTYPES).join(', ')})`,
      e.dtype,
    );
  }
  const dtype = e.dtype;
  if (!Array.isArray(e.shape))
    throw corrupt(file, `${field}.shape`, `must be an array of dimensions, got ${show(e.shape)}`, e.shape);
  const shape = e.shape as unknown[];
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw corrupt(
        file,
        `${field}.shape[${i}]`,
        `must be a non-negative integer, got ${show(d)} in shape ${show(shape)}`,
        d,
      );
    }
  });
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw corrupt(file, `${field}.data_offsets`, `must be [begin, end], got ${show(offsets)}`, offsets);
  }
  offsets.forEach((o: unknown, i) => {
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
      throw corrupt(file, `${field}.data_offsets[${i}]`, `must be a non-negative integer, got ${show(o)}`, o);
    }
  });
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw corrupt(file, `${field}.data_offsets`, `begin ${begin} is after end ${end}`, offsets);
  if (end > dataLength) {
    throw corrupt(
      file,
      `${field}.data_offsets`,
      `[${begin}, ${end}] reaches outside the ${dataLength}-byte data buffer`,
      offsets,
    );
  }
  const byteLength = end - begin;
  // Multiplying with an early exit keeps the count exact: it never exceeds the byte range before the comparison.
  let elements = (shape as number[]).includes(0) ? 0 : 1;
  for (const d of shape as number[]) {
    if (elements > byteLength || elements === 0) break;
    elements *= d;
  }
  if (elements * DTYPES[dtype].bytes !== byteLength) {
    throw corrupt(
      file,
      `${field}.shape`,
      `${show(shape)} of ${dtype} needs ${elements > byteLength ? 'more than ' + byteLength : elements * DTYPES[dtype].bytes} bytes but data_offsets [${begin}, ${end}] hold ${byteLength}`,
      shape,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The tensors must cover the buffer exactly: no byte shared, skipped or left over. */
function checkTiling(sorted: readonly TensorLayout[], dataLength: number, file: string): void {
  let covered = 0;
  let previous: TensorLayout | null = null;
  for (const t of sorted) {
    if (t.begin < covered && previous) {
      throw corrupt(
        file,
        `tensor ${show(t.name)}.data_offsets`,
        `[${t.begin}, ${t.end}] overlaps tensor ${show(previous.name)} at [${previous.begin}, ${previous.end}]`,
        [t.begin, t.end],
      );
    }
    if (t.begin > covered) {
      throw corrupt(
        file,
        `tensor ${show(t.name)}.data_offsets`,
        `leaves a hole: bytes [${covered}, ${t.begin}] of the data buffer belong to no tensor`,
        [t.begin, t.end],
      );
    }
    covered = t.end;
    previous = t;
  }
  if (covered !== dataLength) {
    throw corrupt(
      file,
      'data buffer',
      `is ${dataLength} bytes but the tensors account for ${covered}; ${dataLength - covered} bytes at the end belong to no tensor`,
      dataLength,
    );
  }
}

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { InvertscopeError } from '../../errors';
import { openRegularFile, readFully } from '../../files/openRegularFile';
import { corrupt, show } from '../storeErrors';
import { DTYPES, viewLittleEndian, type Tensor } from './dtypes';
import { parseSafetensorsHeader, type SafetensorsHeader } from './parseHeader';

/**
 * Far above any header Invertscope reads (a few kB: at most 64 layers of two
 * tensors each, and four metadata strings), far below what would hurt to
 * allocate, decode and parse (each a copy of the header).
 */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** Tensors are read into one ArrayBuffer each; this bounds the whole file's data. */
const MAX_DATA_BYTES = 2 * 1024 * 1024 * 1024;

export interface ReadSafetensorsOptions {
  readonly maxHeaderBytes?: number;
  readonly maxDataBytes?: number;
  /** Refuse a symbolic link rather than follow it (files inside the runs folder). */
  readonly noFollow?: boolean;
}

export interface SafetensorsContents {
  /** In file order. Every typed array owns its (aligned) memory. */
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the whole file, computed from the bytes that were read. */
  readonly sha256: string;
  readonly byteLength: number;
}

export interface SafetensorsFileHeader extends SafetensorsHeader {
  readonly byteLength: number;
  readonly headerLength: number;
}

/** Reads and validates only the header: enough to list tensors or check a file without loading it. */
export async function readSafetensorsHeader(
  file: string,
  options: ReadSafetensorsOptions = {},
): Promise<SafetensorsFileHeader> {
  const handle = await openForReading(file, options);
  try {
    const { header, headerLength, size } = await readHeader(handle, file, options);
    return { ...header, headerLength, byteLength: size };
  } finally {
    await handle.close();
  }
}

/**
 * Reads a safetensors file without trusting it: the 8-byte length is checked
 * against the file size and a cap before anything is allocated, the header is
 * checked completely (see parseSafetensorsHeader), and only then are the tensors
 * read, each straight into its own buffer.
 */
export async function readSafetensors(
  file: string,
  options: ReadSafetensorsOptions = {},
): Promise<SafetensorsContents> {
  const handle = await openForReading(file, options);
  try {
    const { header, headerLength, size, prefix, headerBytes } = await readHeader(handle, file, options);
    const dataStart = 8 + headerLength;
    checkDataLength({ byteLength: size, headerLength }, file, options);
    const hash = createHash('sha256').update(prefix).update(headerBytes);
    const tensors = new Map<string, Tensor>();
    for (const t of header.tensors) {
      const byteLength = t.end - t.begin;
      const buffer = new ArrayBuffer(byteLength);
      const bytes = new Uint8Array(buffer);
      const got = await readFully(handle, bytes, dataStart + t.begin);
      if (got < byteLength) {
        throw corrupt(
          file,
          `tensor ${show(t.name)}`,
          `the file ended after ${got} of its ${byteLength} bytes (was it changed while being read?)`,
          got,
        );
      }
      hash.update(bytes);
      tensors.set(t.name, {
        dtype: t.dtype,
        shape: t.shape,
        data: viewLittleEndian(t.dtype, buffer, byteLength / DTYPES[t.dtype].bytes),
      });
    }
    return { tensors, metadata: header.metadata, sha256: hash.digest('hex'), byteLength: size };
  } finally {
    await handle.close();
  }
}

/**
 * The check readSafetensors makes before reading any tensor, for a caller that has
 * only read the header but must fail as readSafetensors would.
 */
export function checkDataLength(
  header: Pick<SafetensorsFileHeader, 'byteLength' | 'headerLength'>,
  file: string,
  options: ReadSafetensorsOptions = {},
): void {
  const dataLength = header.byteLength - 8 - header.headerLength;
  const maxData = options.maxDataBytes ?? MAX_DATA_BYTES;
  if (dataLength > maxData) {
    throw corrupt(file, 'data buffer', `is ${dataLength} bytes, above the limit of ${maxData}`, dataLength);
  }
}

/** The same checks for bytes already in memory (a download, a message from another process). */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
  options: ReadSafetensorsOptions = {},
): SafetensorsContents {
  if (bytes.length < 8) throw tooShort(source, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = checkHeaderLength(view.getBigUint64(0, true), bytes.length, source, options);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.length - 8 - headerLength, source);
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  for (const t of header.tensors) {
    const copy = bytes.slice(dataStart + t.begin, dataStart + t.end);
    tensors.set(t.name, {
      dtype: t.dtype,
      shape: t.shape,
      data: viewLittleEndian(t.dtype, copy.buffer, copy.length / DTYPES[t.dtype].bytes),
    });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { tensors, metadata: header.metadata, sha256, byteLength: bytes.length };
}

async function openForReading(file: string, options: ReadSafetensorsOptions): Promise<FileHandle> {
  // A FIFO, a folder or a device named like a checkpoint is refused before it is opened (a FIFO would block).
  return (await openRegularFile(file, { noFollow: options.noFollow === true, what: 'safetensors file' })).handle;
}

async function readHeader(
  handle: FileHandle,
  file: string,
  options: ReadSafetensorsOptions,
): Promise<{
  header: SafetensorsHeader;
  headerLength: number;
  size: number;
  prefix: Uint8Array;
  headerBytes: Uint8Array;
}> {
  const { size } = await handle.stat();
  const prefix = new Uint8Array(8);
  if ((await readFully(handle, prefix, 0)) < 8) throw tooShort(file, size);
  const headerLength = checkHeaderLength(Buffer.from(prefix).readBigUInt64LE(0), size, file, options);
  const headerBytes = new Uint8Array(headerLength);
  const got = await readFully(handle, headerBytes, 8);
  if (got < headerLength) {
    throw corrupt(
      file,
      'header',
      `the file ended after ${got} of its ${headerLength} bytes (was it changed while being read?)`,
      got,
    );
  }
  const header = parseSafetensorsHeader(headerBytes, size - 8 - headerLength, file);
  return { header, headerLength, size, prefix, headerBytes };
}

function checkHeaderLength(length: bigint, fileSize: number, file: string, options: ReadSafetensorsOptions): number {
  const max = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (length > BigInt(fileSize - 8)) {
    throw corrupt(
      file,
      'header length',
      `${length} bytes is more than the ${fileSize - 8} bytes after the length field (truncated or not a safetensors file)`,
      length,
    );
  }
  if (length > BigInt(max))
    throw corrupt(file, 'header length', `${length} bytes is above the limit of ${max}`, length);
  if (length < 2n) throw corrupt(file, 'header length', `${length} bytes cannot hold a JSON object`, length);
  return Number(length);
}

function tooShort(file: string, size: number): InvertscopeError {
  return corrupt(
    file,
    'header length',
    `the file is ${size} bytes, shorter than the 8-byte header length (truncated or not a safetensors file)`,
    size,
  );
}

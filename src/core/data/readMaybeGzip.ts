import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { InvertscopeError } from '../errors';

const gunzipAsync = promisify(gunzip);

/** Every gzip stream starts with these two bytes (RFC 1952, ID1 ID2). */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Reads a file and, when its first bytes are the gzip magic, inflates it (on the
 * libuv thread pool, so the event loop stays free). The content decides, not the
 * name: a browser may have inflated a download and kept ".gz", or the reverse.
 * A ".gz" name whose content is not gzip is still reported, because it means the
 * file is not what the user thinks it is.
 *
 * @throws InvertscopeError BAD_INPUT for a ".gz" file that is not gzip, CORRUPT
 *   for a gzip stream that does not inflate, NOT_FOUND when the file cannot be read.
 */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch (error) {
    throw new InvertscopeError('NOT_FOUND', `Cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (isGzip(raw)) {
    try {
      return await gunzipAsync(raw);
    } catch (error) {
      throw new InvertscopeError('CORRUPT', `${file}: corrupt gzip stream (${(error as Error).message})`, {
        file, field: 'gzip',
      }, { cause: error });
    }
  }
  if (file.toLowerCase().endsWith('.gz')) {
    const head = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InvertscopeError(
      'BAD_INPUT',
      `${file}: named .gz but is not gzip: first bytes ${head || '(empty file)'}, gzip starts with 1f 8b`,
      { file, field: 'gzip', value: head },
    );
  }
  return raw;
}

import { InvertscopeError } from '../errors';

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}

/** What an errno means for the person who named the path, in their words rather than the kernel's. */
const MEANINGS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a folder (or a part of its path is a file)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'cannot be accessed: permission denied',
  EPERM: 'cannot be changed: operation not permitted',
  EROFS: 'is on a read-only file system',
  ELOOP: 'is a symbolic link (or a loop of them), which Invertscope does not follow here',
  ENOSPC: 'cannot be written: no space left on the device',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'has a name that is too long',
  EMFILE: 'cannot be opened: too many open files',
  EBUSY: 'is busy',
  ENXIO: 'is a device or a pipe with nothing on the other end',
};

/**
 * A file-system failure as an error a person can act on: the path, what was
 * being done, and what the errno means. Missing paths are NOT_FOUND, anything
 * else about a path the user chose is BAD_INPUT; errors that are not about the
 * file system pass through unchanged.
 *
 * @example
 *   await readdir(folder).catch((e) => { throw fileSystemError(e, folder, 'listing the runs folder'); });
 *   // InvertscopeError BAD_INPUT "/tmp/a-file: listing the runs folder: is not a folder (or a part of its path is a file)"
 */
export function fileSystemError(error: unknown, path: string, doing: string): unknown {
  if (error instanceof InvertscopeError) return error;
  const code = errnoCode(error);
  if (code === undefined || !/^E[A-Z]+$/.test(code)) return error;
  const meaning = MEANINGS[code] ?? `failed (${code})`;
  return new InvertscopeError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT', `${path}: ${doing}: ${meaning}`, { file: path, field: doing, value: code }, { cause: error });
}

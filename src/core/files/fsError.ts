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
  return new InvertscopeError(
    code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT',
    `${path}: ${doing}: ${meaning}`,
    { file: path, field: doing, value: code },
    { cause: error },
  );
}

/** What a Node system call was doing, for pathErrorOf's message. */
const DOING: Readonly<Record<string, string>> = {
  open: 'opening it',
  mkdir: 'creating the folder',
  rmdir: 'removing the folder',
  rename: 'renaming it',
  unlink: 'removing it',
  scandir: 'listing the folder',
  stat: 'examining it',
  lstat: 'examining it',
  read: 'reading it',
  write: 'writing it',
  copyfile: 'copying it',
};

/**
 * A Node file-system error that escaped without a name (it carries its own
 * `path` and `syscall`: a PNG written into a missing folder, an output folder
 * that is a file) as the error fileSystemError makes of it; null for anything
 * else, which stays an internal error.
 *
 * @example
 *   pathErrorOf(enoentFromOpen)  // InvertscopeError NOT_FOUND "/proc/nope/x.png: opening it: does not exist"
 */
export function pathErrorOf(error: unknown): InvertscopeError | null {
  if (error instanceof InvertscopeError || typeof error !== 'object' || error === null) return null;
  const { path, syscall } = error as { path?: unknown; syscall?: unknown };
  if (typeof path !== 'string') return null;
  const named = fileSystemError(
    error,
    path,
    (typeof syscall === 'string' && DOING[syscall]) || `using it (${String(syscall)})`,
  );
  return named instanceof InvertscopeError ? named : null;
}

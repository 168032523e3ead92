import { constants } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { InvertscopeError } from '../errors';
import { fileSystemError } from './fsError';

export interface OpenRegularFileOptions {
  /** Refuse a symbolic link instead of following it (files inside the runs folder). */
  readonly noFollow?: boolean;
  /** Refuse a file larger than this, before reading any of it. */
  readonly maxBytes?: number;
  /** What the file is, for messages ("run.json", "IDX file"). */
  readonly what?: string;
}

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
}

// Absent on Windows, where neither blocking FIFOs nor O_NOFOLLOW exist in this form.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Opens a file for reading only if it is a regular file. The path is examined
 * before it is opened, because opening a FIFO for reading blocks until a writer
 * appears (forever, for a pipe nobody writes); the open itself is non-blocking
 * and the opened file is examined again, so a path swapped in between cannot
 * block either. Symbolic links are refused when asked, at the open itself
 * (O_NOFOLLOW) as well as before it.
 *
 * @example
 *   const { handle, size } = await openRegularFile(file, { maxBytes: 16 << 20, what: 'run.json' });
 */
export async function openRegularFile(file: string, options: OpenRegularFileOptions = {}): Promise<OpenedFile> {
  const what = options.what ?? 'file';
  const before = await (options.noFollow ? lstat(file) : stat(file)).catch((error: unknown) => {
    throw fileSystemError(error, file, `reading the ${what}`);
  });
  if (before.isSymbolicLink())
    throw notRegular(file, what, 'is a symbolic link; links inside the runs folder are not followed');
  if (!before.isFile()) throw notRegular(file, what, `is ${kindOf(before)}, not a regular file`);
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (error) {
    throw fileSystemError(error, file, `opening the ${what}`);
  }
  try {
    const after = await handle.stat();
    if (!after.isFile()) throw notRegular(file, what, `is ${kindOf(after)}, not a regular file`);
    if (options.maxBytes !== undefined && after.size > options.maxBytes) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `${file}: ${what} is ${after.size} bytes, above the limit of ${options.maxBytes}`,
        { file, field: 'size', value: after.size },
      );
    }
    return { handle, size: after.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function notRegular(file: string, what: string, problem: string): InvertscopeError {
  return new InvertscopeError('BAD_INPUT', `${file}: ${what} ${problem}`, { file, field: what, value: problem });
}

function kindOf(s: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Reads until `target` is full or the file ends; returns how many bytes arrived. */
export async function readFully(handle: FileHandle, target: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

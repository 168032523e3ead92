import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvertscopeError } from '../errors';
import { errnoCode, fileSystemError } from './fsError';

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir loops forever
 * where a parent exists but refuses new entries with ENOENT (anything under
 * /proc, for one); here every level is created once and a failure names the
 * folder and what went wrong. Returns the folders it created, outermost
 * first (for removeEmptyFolders, when what they were made for fails).
 *
 * @example
 *   await makeFolder('/proc/nope'); // InvertscopeError BAD_INPUT "/proc/nope: creating the folder: does not exist" … at once
 */
export async function makeFolder(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let path = folder; ; path = dirname(path)) {
    const info = await stat(path).catch((error: unknown) => {
      // ENOTDIR: a file further up; the walk finds it and names it.
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return null;
      throw fileSystemError(error, path, `creating ${folder}`);
    });
    if (info) {
      if (!info.isDirectory())
        throw new InvertscopeError('BAD_INPUT', `${path}: creating ${folder}: is a file, not a folder`, {
          file: path,
          field: 'folder',
          value: folder,
        });
      break;
    }
    missing.push(path);
    if (dirname(path) === path) break;
  }
  const created: string[] = [];
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
      created.push(path);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && (await stat(path).catch(() => null))?.isDirectory()) continue;
      await removeEmptyFolders(created);
      // ENOENT here means the parent refuses new entries: say so rather than "does not exist".
      if (errnoCode(error) === 'ENOENT') {
        throw new InvertscopeError(
          'BAD_INPUT',
          `${path}: cannot be created: its parent folder ${dirname(path)} does not accept new entries`,
          { file: path, field: 'folder', value: 'ENOENT' },
          { cause: error },
        );
      }
      throw fileSystemError(error, path, 'creating the folder');
    }
  }
  return created;
}

/**
 * Removes folders that makeFolder created, innermost first, as long as they
 * are empty: someone else may have put something in them since, which stays.
 */
export async function removeEmptyFolders(created: readonly string[]): Promise<void> {
  for (const path of [...created].reverse()) {
    try {
      await rmdir(path);
    } catch {
      return;
    }
  }
}

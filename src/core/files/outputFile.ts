import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvertscopeError } from '../errors';
import { fileSystemError } from './fsError';

/**
 * Checks that a command's product can be written at `file` before the work
 * that makes it (an analysis, a classifier: minutes): its folder exists and
 * is a folder, and the file is not a folder itself. A failure names the file.
 *
 * @example
 *   await checkOutputFile('/proc/nope/x.png'); // InvertscopeError NOT_FOUND "/proc/nope: writing /proc/nope/x.png: does not exist"
 */
export async function checkOutputFile(file: string): Promise<void> {
  const folder = dirname(file);
  const info = await stat(folder).catch((error: unknown) => {
    throw fileSystemError(error, folder, `writing ${file}`);
  });
  if (!info.isDirectory()) {
    throw new InvertscopeError('BAD_INPUT', `${file}: cannot be written: ${folder} is a file, not a folder`, {
      file,
      field: 'out',
      value: file,
    });
  }
  if ((await stat(file).catch(() => null))?.isDirectory()) {
    throw new InvertscopeError('BAD_INPUT', `${file}: cannot be written: it is a folder`, {
      file,
      field: 'out',
      value: file,
    });
  }
}

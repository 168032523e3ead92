import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from './storeErrors';
import { tempFileFor } from './tempFiles';

export type FileContents = string | Uint8Array | readonly Uint8Array[];

/**
 * Replaces `file` so that readers (and a crash at any moment) see either the old
 * contents or the new ones, never a mix: the data goes to a temporary file in the
 * same directory (rename is only atomic within one file system), is flushed to
 * disk, and then renamed over the target. The directory is flushed too, so the
 * rename itself survives a power loss.
 *
 * Temporary names start with "." and end with ".tmp" and name their writer
 * (tempFileFor); a crash can leave one behind, every reader of the store skips
 * such names, and removeAbandonedTemps deletes those whose writer is gone.
 */
export async function writeFileAtomic(file: string, data: FileContents): Promise<void> {
  const dir = dirname(file);
  const temp = tempFileFor(file);
  const handle = await open(temp, 'wx');
  try {
    for (const chunk of chunksOf(data)) await writeAll(handle, chunk);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await renameWithRetry(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

function chunksOf(data: FileContents): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  if (data instanceof Uint8Array) return [data];
  return data;
}

async function writeAll(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  let done = 0;
  // A write may accept fewer bytes than offered; keep going until the chunk is on its way.
  while (done < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done);
    done += bytesWritten;
  }
}

/**
 * Windows refuses to replace a file that another process (an antivirus scanner,
 * a reader of the previous version) has open for a moment; POSIX never does.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (attempt >= 6 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 15 * 2 ** attempt));
    }
  }
}

/** Makes a rename or a new directory entry durable. Not possible on Windows, where directories cannot be opened. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL' && code !== 'EBADF')
      throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

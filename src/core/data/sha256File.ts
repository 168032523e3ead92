import { createHash } from 'node:crypto';
import { openRegularFile } from '../files/openRegularFile';

/**
 * The SHA-256 of a file's bytes as 64 lowercase hex digits, read as a stream so
 * large files cost no memory. Only a regular file is read: a FIFO or a device
 * named like a checkpoint is refused rather than waited on.
 */
export async function sha256File(path: string): Promise<string> {
  const { handle } = await openRegularFile(path);
  const hash = createHash('sha256');
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

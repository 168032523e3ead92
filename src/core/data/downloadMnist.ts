import { resolve } from 'node:path';
import { InvertscopeError } from '../errors';
import { fetchFromMirrors, type DownloadProgress, type FetchedFile } from './downloadFile';
import { MNIST_DOWNLOAD_FILES, MNIST_MIRRORS, type DownloadFile } from './mnistSources';
import { makeFolder } from '../files/makeFolder';

export type { DownloadProgress, FetchedFile } from './downloadFile';
export type { DownloadFile } from './mnistSources';

export interface DownloadMnistOptions {
  /** Where the files go; created if needed. Afterwards it loads as `{ kind: 'idx', folder }`. */
  readonly folder: string;
  /** Base URLs tried in order; MNIST_MIRRORS by default. */
  readonly mirrors?: readonly string[];
  /** The files and their hashes; the four official MNIST archives by default. */
  readonly files?: readonly DownloadFile[];
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  /** Give up on an attempt that receives nothing for this long (ms); default 30,000. */
  readonly stallTimeoutMs?: number;
  /** Tries per mirror when a transfer breaks after the server answered; default 3. */
  readonly attemptsPerMirror?: number;
}

export interface DownloadMnistResult {
  readonly folder: string;
  readonly files: readonly FetchedFile[];
}

/**
 * Downloads the official MNIST archives into `folder`, one after another, each
 * verified by SHA-256 and resumable (see `fetchFromMirrors`). Files already
 * present with the right hash are not fetched again.
 *
 * @example
 *   const controller = new AbortController();
 *   await downloadMnist({ folder, signal: controller.signal,
 *     onProgress: ({ file, bytesDone, totalBytes }) => log(file, bytesDone, totalBytes) });
 *   const data = await loadData({ kind: 'idx', folder });
 */
export async function downloadMnist(options: DownloadMnistOptions): Promise<DownloadMnistResult> {
  const mirrors = options.mirrors ?? MNIST_MIRRORS;
  const files = options.files ?? MNIST_DOWNLOAD_FILES;
  if (mirrors.length === 0)
    throw new InvertscopeError('BAD_INPUT', 'No download mirrors given', { field: 'mirrors', value: [] });
  for (const file of files) {
    if (!/^[0-9a-fA-F]{64}$/.test(file.sha256)) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `${file.name}: sha256 must be 64 hex digits, got ${JSON.stringify(file.sha256)}`,
        {
          file: file.name,
          field: 'sha256',
          value: file.sha256,
        },
      );
    }
    if (file.name === '' || /[\\/]/.test(file.name) || file.name === '.' || file.name === '..') {
      throw new InvertscopeError(
        'BAD_INPUT',
        `Download file name ${JSON.stringify(file.name)} must be a plain file name`,
        {
          field: 'name',
          value: file.name,
        },
      );
    }
  }
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const attemptsPerMirror = options.attemptsPerMirror ?? 3;
  if (!(stallTimeoutMs > 0))
    throw new InvertscopeError('BAD_INPUT', `stallTimeoutMs must be positive, got ${stallTimeoutMs}`, {
      field: 'stallTimeoutMs',
      value: stallTimeoutMs,
    });
  if (!Number.isSafeInteger(attemptsPerMirror) || attemptsPerMirror < 1) {
    throw new InvertscopeError('BAD_INPUT', `attemptsPerMirror must be a whole number ≥ 1, got ${attemptsPerMirror}`, {
      field: 'attemptsPerMirror',
      value: attemptsPerMirror,
    });
  }

  const folder = resolve(options.folder);
  // One level at a time: Node's recursive mkdir spins forever where a parent refuses new entries (/proc).
  await makeFolder(folder);
  const fetched: FetchedFile[] = [];
  for (const file of files) {
    fetched.push(
      await fetchFromMirrors(file, {
        folder,
        mirrors,
        onProgress: options.onProgress,
        signal: options.signal,
        stallTimeoutMs,
        attemptsPerMirror,
      }),
    );
  }
  return { folder, files: fetched };
}

import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvertscopeError } from '../errors';
import type { DownloadFile } from './mnistSources';
import { sha256File } from './sha256File';

export interface DownloadProgress {
  readonly file: string;
  /** Bytes on disk for this file, including any resumed from an earlier transfer. */
  readonly bytesDone: number;
  /** The file's full size when the server or the file list says it; undefined otherwise. */
  readonly totalBytes: number | undefined;
}

export interface FetchFromMirrorsOptions {
  readonly folder: string;
  /** Base URLs, each ending in the folder that holds the file (a missing final "/" is added). */
  readonly mirrors: readonly string[];
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  /** Give up on an attempt that receives no bytes for this long. */
  readonly stallTimeoutMs: number;
  /** Attempts per mirror when a transfer breaks after the server has answered. */
  readonly attemptsPerMirror: number;
}

export interface FetchedFile {
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /** The URL the bytes came from, or null when a verified copy was already in place. */
  readonly url: string | null;
  /** Bytes of an earlier partial transfer that were kept rather than fetched again. */
  readonly resumedBytes: number;
}

type Attempt =
  | { readonly ok: true; readonly resumedBytes: number; readonly bytes: number }
  | { readonly ok: false; readonly reason: string; readonly retry: boolean; readonly hashMismatch: boolean };

/**
 * Puts one verified file into `folder`, trying each mirror in turn. The bytes go
 * to `<name>.part`; when that exists from an interrupted transfer the request
 * asks for the rest (HTTP Range) and appends when the server answers 206, or
 * starts over when it answers 200. Only a file whose SHA-256 matches is renamed
 * to `<name>`, so the final name never holds partial or wrong bytes. A copy
 * already in place with the right hash is kept without any request.
 *
 * @throws InvertscopeError NETWORK naming every mirror and why it failed;
 *   CORRUPT when every mirror served bytes with the wrong hash; CANCELLED when
 *   `signal` aborts (the ".part" stays, so a later call resumes it).
 */
export async function fetchFromMirrors(file: DownloadFile, options: FetchFromMirrorsOptions): Promise<FetchedFile> {
  const finalPath = join(options.folder, file.name);
  const partPath = `${finalPath}.part`;
  const expected = file.sha256.toLowerCase();
  const urls = options.mirrors.map((base) => mirrorUrl(base, file.name));
  const present = await sizeOf(finalPath);
  if (present !== undefined && (await sha256File(finalPath)) === expected) {
    options.onProgress?.({ file: file.name, bytesDone: present, totalBytes: present });
    return { name: file.name, path: finalPath, sha256: expected, bytes: present, url: null, resumedBytes: 0 };
  }

  const failures: { url: string; reason: string; hashMismatch: boolean }[] = [];
  for (const url of urls) {
    let last: Attempt | undefined;
    let tries = 0;
    while (tries < options.attemptsPerMirror) {
      throwIfCancelled(options.signal, file.name);
      tries++;
      last = await attempt(url, file, partPath, expected, options);
      if (last.ok) {
        await rename(partPath, finalPath);
        return {
          name: file.name,
          path: finalPath,
          sha256: expected,
          bytes: last.bytes,
          url,
          resumedBytes: last.resumedBytes,
        };
      }
      if (!last.retry) break;
    }
    if (last !== undefined && !last.ok) {
      const prefix = tries > 1 ? `${tries} attempts, last: ` : '';
      failures.push({ url, reason: prefix + last.reason, hashMismatch: last.hashMismatch });
    }
  }

  const list = failures.map((f) => `${f.url} (${f.reason})`).join('; ');
  const allWrong = failures.length > 0 && failures.every((f) => f.hashMismatch);
  throw new InvertscopeError(
    allWrong ? 'CORRUPT' : 'NETWORK',
    `Could not download ${file.name} into ${options.folder} from any mirror: ${list}`,
    { file: finalPath, field: 'mirrors', value: failures.map((f) => `${f.url}: ${f.reason}`) },
  );
}

/** One request to one mirror, ending with a verified `.part` or a reason it failed. */
async function attempt(
  url: string,
  file: DownloadFile,
  partPath: string,
  expected: string,
  options: FetchFromMirrorsOptions,
): Promise<Attempt> {
  const have = (await sizeOf(partPath)) ?? 0;
  const fail = (reason: string, retry: boolean, hashMismatch = false): Attempt => ({
    ok: false,
    reason,
    retry,
    hashMismatch,
  });

  // One controller per attempt, aborted by the caller's signal or by the stall timer.
  const controller = new AbortController();
  let stalled = false;
  const onCancel = (): void => controller.abort();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const timer = setTimeout(() => {
    stalled = true;
    controller.abort();
  }, options.stallTimeoutMs);

  try {
    let response: Response;
    try {
      response = await fetch(url, {
        // identity: the bytes hashed must be the bytes served, never a transparently inflated copy.
        headers: { 'accept-encoding': 'identity', ...(have > 0 ? { range: `bytes=${have}-` } : {}) },
        signal: controller.signal,
      });
    } catch (error) {
      throwIfCancelled(options.signal, file.name);
      return fail(stalled ? `no answer within ${options.stallTimeoutMs / 1000} s` : describeFailure(error), false);
    }

    let start: number;
    let total: number | undefined;
    if (response.status === 206 && have > 0) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range === undefined || range.start !== have) {
        await response.body?.cancel().catch(() => undefined);
        await rm(partPath, { force: true });
        return fail(
          `asked for bytes from ${have}, got Content-Range ${response.headers.get('content-range') ?? '(none)'}`,
          true,
        );
      }
      start = have;
      total = range.total ?? lengthPlus(response, have) ?? file.bytes;
    } else if (response.status === 200) {
      start = 0;
      total = lengthPlus(response, 0) ?? file.bytes;
    } else if (response.status === 416 && have > 0) {
      // The server has nothing after `have`: either the part is complete or it is not this file.
      await response.body?.cancel().catch(() => undefined);
      if ((await sha256File(partPath)) === expected) return { ok: true, resumedBytes: have, bytes: have };
      await rm(partPath, { force: true });
      return fail(`HTTP 416 for bytes from ${have}; the partial file was discarded`, true);
    } else {
      await response.body?.cancel().catch(() => undefined);
      return fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, false);
    }

    let done = start;
    // An exception from the caller's callback is the caller's, not a broken transfer to retry.
    let callbackFailure: { error: unknown } | undefined;
    const report = (): void => {
      try {
        options.onProgress?.({ file: file.name, bytesDone: done, totalBytes: total });
      } catch (error) {
        callbackFailure = { error };
        throw error;
      }
    };
    const handle = await open(partPath, start > 0 ? 'a' : 'w');
    try {
      report();
      if (response.body !== null) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          await handle.write(chunk);
          done += chunk.byteLength;
          timer.refresh();
          report();
        }
      }
    } catch (error) {
      if (callbackFailure !== undefined) throw callbackFailure.error;
      throwIfCancelled(options.signal, file.name);
      const progress = `${done - start} of ${total === undefined ? '?' : total - start} bytes`;
      return fail(
        stalled
          ? `no data for ${options.stallTimeoutMs / 1000} s after ${progress}`
          : `transfer broke after ${progress} (${describeFailure(error)})`,
        true,
      );
    } finally {
      await handle.close();
    }
    throwIfCancelled(options.signal, file.name);
    if (total !== undefined && done !== total) return fail(`transfer ended at ${done} of ${total} bytes`, true);

    const actual = await sha256File(partPath);
    if (actual !== expected) {
      await rm(partPath, { force: true });
      // A resumed transfer may have built on a stale part; one more try from zero tells the two apart.
      return fail(`SHA-256 mismatch: expected ${expected}, got ${actual} (${done} bytes)`, start > 0, true);
    }
    return { ok: true, resumedBytes: start, bytes: done };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
}

function mirrorUrl(base: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(name, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new InvertscopeError('BAD_INPUT', `Mirror ${JSON.stringify(base)} is not a valid URL`, {
      field: 'mirrors',
      value: base,
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InvertscopeError('BAD_INPUT', `Mirror ${base} must be an http or https URL`, {
      field: 'mirrors',
      value: base,
    });
  }
  return parsed.href;
}

function throwIfCancelled(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted === true) {
    throw new InvertscopeError('CANCELLED', `Download of ${name} cancelled`, { file: name });
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** `start` plus the response's Content-Length, or undefined when the server sent none. */
function lengthPlus(response: Response, start: number): number | undefined {
  const header = response.headers.get('content-length');
  const length = header === null ? Number.NaN : Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? start + length : undefined;
}

/** "bytes 100-199/200" → { start: 100, total: 200 }; total is undefined for "/*". */
function parseContentRange(header: string | null): { start: number; total: number | undefined } | undefined {
  const match = header === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

/**
 * fetch wraps the socket error (ENOTFOUND, ECONNREFUSED, ...) in a generic
 * "fetch failed"; the innermost cause is the one a user can act on.
 */
function describeFailure(error: unknown): string {
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  if (inner instanceof AggregateError && inner.errors.length > 0) inner = inner.errors[0];
  if (!(inner instanceof Error)) return String(inner);
  const code = (inner as { code?: unknown }).code;
  const message = inner.message.trim();
  if (typeof code === 'string' && !message.includes(code)) return message === '' ? code : `${message} (${code})`;
  return message === '' ? inner.name : message;
}

import { lstat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvertscopeError } from '../errors';
import { errnoCode, fileSystemError } from '../files/fsError';
import { openRegularFile, readFully } from '../files/openRegularFile';
import { parseBoundedJson } from './jsonLimits';
import type { RunRecord } from './runTypes';
import { validateRunRecord } from './runValidation';
import { corrupt, show } from './storeErrors';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';

/**
 * run.json's size limit, checked before it is read. The largest run.json
 * Invertscope writes holds a split of the 10,000 embedded digits (about 60 kB).
 */
const MAX_RUN_JSON_BYTES = 16 * 1024 * 1024;

/**
 * What a path inside the runs folder is, without following it: null when it
 * does not exist. A symbolic link is refused, because following one would read
 * (and a trainer would write) outside the runs folder.
 */
export async function lstatInStore(path: string, what: string): Promise<import('node:fs').Stats | null> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw fileSystemError(error, path, `examining the ${what}`);
  }
  if (info.isSymbolicLink()) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${path}: the ${what} is a symbolic link; Invertscope does not follow links inside the runs folder`,
      {
        file: path,
        field: what,
        value: 'symlink',
      },
    );
  }
  return info;
}

/** A run folder that exists as a real folder (not a link); NOT_FOUND otherwise. */
export async function requireRunFolder(folder: string): Promise<void> {
  const info = await lstatInStore(folder, 'run folder');
  if (!info)
    throw new InvertscopeError('NOT_FOUND', `no run ${basename(folder)} in ${dirname(folder)}`, { file: folder });
  if (!info.isDirectory())
    throw new InvertscopeError('BAD_INPUT', `${folder}: the run folder is a file, not a folder`, {
      file: folder,
      field: 'run folder',
    });
}

/**
 * Reads and checks `<folder>/run.json`: the folder a real folder, run.json a
 * regular file (not a link, a folder or a pipe) within MAX_RUN_JSON_BYTES,
 * nesting bounded, every field valid (validateRunRecord), and its id the
 * folder's name. Returns the parsed object too, so a writer keeps the fields
 * this version does not know.
 */
export async function readRunFile(folder: string): Promise<{ raw: Record<string, unknown>; record: RunRecord }> {
  await requireRunFolder(folder);
  const file = join(folder, RUN_FILE);
  let opened: { handle: FileHandle; size: number };
  try {
    opened = await openRegularFile(file, { noFollow: true, maxBytes: MAX_RUN_JSON_BYTES, what: RUN_FILE });
  } catch (error) {
    if (error instanceof InvertscopeError && error.code === 'NOT_FOUND')
      throw corrupt(file, RUN_FILE, 'is missing from the run folder', undefined, error);
    throw error;
  }
  const bytes = new Uint8Array(opened.size);
  try {
    await readFully(opened.handle, bytes, 0);
  } finally {
    await opened.handle.close();
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw corrupt(file, '(root)', 'is not valid UTF-8', undefined, error);
  }
  let raw: unknown;
  try {
    raw = parseBoundedJson(text, file, '(root)');
  } catch (error) {
    if (error instanceof InvertscopeError) throw error;
    throw corrupt(file, '(root)', `is not valid JSON (${(error as Error).message})`, text.slice(0, 40), error);
  }
  const record = validateRunRecord(raw, file);
  const id = basename(folder);
  if (record.id !== id)
    throw corrupt(file, 'id', `is ${show(record.id)} but the run's folder is named ${show(id)}`, record.id);
  return { raw: raw as Record<string, unknown>, record };
}

/** Where a checkpoint file sits: inside a run (…/<run>/checkpoints/ or …/<run>/resume/), and the hash run.json recorded for it. */
export interface CheckpointPlace {
  /** The file is in a run folder: links are not followed. */
  readonly inRun: boolean;
  /** The SHA-256 run.json records for this file; null when it records none (or run.json cannot be read). */
  readonly recordedSha256: string | null;
}

/**
 * Finds whether a checkpoint belongs to a run and what run.json says its
 * SHA-256 is. The run folder and the checkpoints folder must be real folders
 * (a link is refused); a run.json that cannot be read records nothing (the
 * file is still readable as any loose checkpoint would be, and listings show
 * the run as damaged).
 */
export async function checkpointPlace(file: string): Promise<CheckpointPlace> {
  const parent = dirname(file);
  const kind = basename(parent);
  if (kind !== 'checkpoints' && kind !== 'resume') return { inRun: false, recordedSha256: null };
  const runFolder = dirname(parent);
  const runFile = await lstat(join(runFolder, RUN_FILE)).catch(() => null);
  if (!runFile) return { inRun: false, recordedSha256: null };
  await lstatInStore(runFolder, 'run folder');
  await lstatInStore(parent, `${kind} folder`);
  if (kind === 'resume') return { inRun: true, recordedSha256: null };
  let record: RunRecord;
  try {
    record = (await readRunFile(runFolder)).record;
  } catch {
    return { inRun: true, recordedSha256: null };
  }
  const entry = record.checkpoints.find((c) => c.file === `checkpoints/${basename(file)}`);
  return { inRun: true, recordedSha256: entry?.sha256 ?? null };
}

/** The refusal of a checkpoint whose bytes are not the ones run.json recorded. */
export function hashMismatch(file: string, actual: string, recorded: string): InvertscopeError {
  return corrupt(
    file,
    'sha256',
    `the file's SHA-256 is ${actual} but run.json recorded ${recorded}: it was changed or replaced after it was written`,
    actual,
  );
}

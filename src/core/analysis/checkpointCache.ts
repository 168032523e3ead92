import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../store/atomicWrite';
import { encodeJson } from '../../shared/jsonNumbers';

/**
 * One kind of result computed from a checkpoint and cached in a JSON file
 * beside it: `{ kind, key, <field>: value }`. The key says what the value
 * depends on (the checkpoint's SHA-256 and the settings); a file is trusted
 * only when it is whole, of this kind, carries the expected key and its value
 * parses. Writes are atomic, so a crash or a cancelled computation leaves the
 * old file or none, never a partial one.
 */
export interface CheckpointCacheKind<T> {
  /** The file's `kind` field, e.g. 'invertscope-analysis'. */
  readonly kind: string;
  /** The entry's field holding the value, e.g. 'analysis'. */
  readonly field: string;
  /** Middle of the file name: `<checkpoint stem>.<suffix>.json`, e.g. 'analysis'. */
  readonly suffix: string;
  /** Checks and rebuilds a value read from a file (throws when it is malformed). */
  readonly parse: (raw: unknown, file: string) => T;
  /** The value as the file holds it, when that is not the value itself (parse reads it back). */
  readonly toFile?: (value: T) => unknown;
  /** Whether a file's key text is of this engine at all (another revision is never read, even by readAnyCacheEntry). */
  readonly current: (keyText: string) => boolean;
}

/**
 * The cache file for `settings`: `<stem>.<suffix>.json` when the settings are
 * the defaults, else `<stem>.<suffix>-<8 hex digits of their SHA-256>.json`,
 * so results of different settings do not evict each other.
 *
 * @example
 *   cacheFilePath('/r/checkpoints/epoch-0010.safetensors', 'point', s, s);  // '/r/checkpoints/epoch-0010.point.json'
 */
export function cacheFilePath(
  checkpointFile: string,
  suffix: string,
  settings: string,
  defaultSettings: string,
): string {
  const stem = checkpointFile.replace(/\.safetensors$/i, '');
  if (settings === defaultSettings) return `${stem}.${suffix}.json`;
  return `${stem}.${suffix}-${createHash('sha256').update(settings).digest('hex').slice(0, 8)}.json`;
}

/** The entry in `file` when it is whole, of `kind`'s engine, and its value parses; null otherwise (never throws for a bad file). */
export async function readCacheEntry<T>(
  file: string,
  kind: CheckpointCacheKind<T>,
): Promise<{ key: string; value: T } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (
      typeof raw !== 'object' ||
      raw === null ||
      raw.kind !== kind.kind ||
      typeof raw.key !== 'string' ||
      !kind.current(raw.key)
    )
      return null;
    return { key: raw.key, value: kind.parse(raw[kind.field], file) };
  } catch {
    return null;
  }
}

/**
 * The most recently written valid entry of `kind` beside the checkpoint whose
 * value and key `match` (e.g. the same checkpoint SHA-256), whatever settings it
 * was computed with; null when there is none.
 */
export async function readAnyCacheEntry<T>(
  checkpointFile: string,
  kind: CheckpointCacheKind<T>,
  matches: (value: T, key: string) => boolean,
): Promise<T | null> {
  const folder = dirname(checkpointFile);
  const stem = basename(checkpointFile).replace(/\.safetensors$/i, '');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return null;
  }
  const prefix = `${stem}.${kind.suffix}`;
  const files = names
    .filter((n) => (n === `${prefix}.json` || n.startsWith(`${prefix}-`)) && n.endsWith('.json'))
    .map((name) => join(folder, name));
  // Newest first, so that usually only one file (megabytes, for a full analysis) is parsed.
  const dated = await Promise.all(
    files.map(async (file) => ({ file, mtime: (await stat(file).catch(() => null))?.mtimeMs ?? 0 })),
  );
  for (const { file } of dated.sort((a, b) => b.mtime - a.mtime)) {
    const entry = await readCacheEntry(file, kind);
    if (entry && matches(entry.value, entry.key)) return entry.value;
  }
  return null;
}

/** Writes `{ kind, key, <field>: value }` atomically (NaN and ±Infinity kept as encodeJson writes them). */
export async function writeCacheEntry<T>(
  file: string,
  kind: CheckpointCacheKind<T>,
  key: string,
  value: T,
): Promise<void> {
  const stored = kind.toFile ? kind.toFile(value) : value;
  await writeFileAtomic(file, `${encodeJson({ kind: kind.kind, key, [kind.field]: stored })}\n`);
}

/**
 * Names one checkpoint of one run: what the host, the webview, the CLI and the
 * caches all key analyses by. The key is a string because it indexes maps and
 * crosses into <select> values; only `checkpointKey` writes it and only
 * `parseCheckpointKey` reads it, so nothing depends on its layout by prefix.
 */
export interface CheckpointRef {
  readonly runId: string;
  readonly epoch: number;
}

/** A checkpoint's key, with the file's hash when a rewritten checkpoint must count as another one. */
export interface CheckpointKeyParts extends CheckpointRef {
  readonly sha256?: string;
}

/**
 * "run@epoch", or "run@epoch:sha256" with a hash.
 *
 * @example checkpointKey({ runId: 'base-1', epoch: 50 }) === 'base-1@50'
 */
export function checkpointKey(ref: CheckpointKeyParts): string {
  const key = `${ref.runId}@${ref.epoch}`;
  return ref.sha256 === undefined ? key : `${key}:${ref.sha256}`;
}

/**
 * The parts of a key `checkpointKey` wrote, or null for anything else. The run
 * id may itself contain "@" or ":", so the epoch is found after the last "@".
 *
 * @example parseCheckpointKey('a@b@7:9f') // { runId: 'a@b', epoch: 7, sha256: '9f' }
 */
export function parseCheckpointKey(key: string): CheckpointKeyParts | null {
  const at = key.lastIndexOf('@');
  if (at <= 0) return null;
  const rest = key.slice(at + 1);
  const colon = rest.indexOf(':');
  const epochText = colon < 0 ? rest : rest.slice(0, colon);
  if (!/^\d+$/.test(epochText)) return null;
  const ref = { runId: key.slice(0, at), epoch: Number(epochText) };
  return colon < 0 ? ref : { ...ref, sha256: rest.slice(colon + 1) };
}

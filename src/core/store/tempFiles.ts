import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { processState } from './processLiveness';

/** Unattributed temporary files (or those of another host's writers) older than this are abandoned. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

let hostTagCache: string | null = null;

/** Eight hex digits standing for this host in temporary file names. */
function hostTag(): string {
  hostTagCache ??= createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
  return hostTagCache;
}

/**
 * `.<name>.<pid>.<host>.<hex>.tmp` next to `file`: hidden (readers skip names
 * starting with "."), unique, and naming its writer, so whoever cleans up can
 * tell a write in progress from one a killed process left behind.
 */
export function tempFileFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${hostTag()}.${randomBytes(6).toString('hex')}.tmp`);
}

const TAGGED = /^\..+\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files in `folder` that no write will ever finish:
 * those of a writer on this host that no longer runs, and any other one
 * (another host's, or one written before names carried their writer) once it
 * is an hour old. Returns how many were removed.
 */
export async function removeAbandonedTemps(folder: string, now = Date.now()): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(folder, name);
    if (name.startsWith('.trainer.lock.broken-')) {
      // What a takeover of a stale trainer lock leaves; see trainerLock.ts.
      const info = await stat(path).catch(() => null);
      if (
        info &&
        now - info.mtimeMs > ABANDONED_AFTER_MS &&
        (await unlink(path).then(
          () => true,
          () => false,
        ))
      )
        removed++;
      continue;
    }
    if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
    const tagged = TAGGED.exec(name);
    let abandoned: boolean;
    if (tagged && tagged[2] === hostTag()) {
      abandoned = processState({ pid: Number(tagged[1]), hostname: hostname(), startedAt: '' }) === 'gone';
    } else {
      const info = await stat(path).catch(() => null);
      abandoned = info !== null && info.isFile() && now - info.mtimeMs > ABANDONED_AFTER_MS;
    }
    if (
      abandoned &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed++;
  }
  return removed;
}

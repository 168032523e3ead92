import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InvertscopeError } from '../errors';
import { errnoCode, fileSystemError } from '../files/fsError';
import { currentProcessInfo, processState } from './processLiveness';
import type { RunProcessInfo } from './runTypes';

/** The file a training process holds in its run folder while it trains the run. */
const TRAINER_LOCK = '.trainer.lock';

/** A lock file being written is empty for a moment; one that stays unreadable longer was left half-written. */
const UNREADABLE_GRACE_MS = 5_000;

/**
 * Takes the run's trainer lock for the calling process: `<run>/.trainer.lock`,
 * created exclusively (O_EXCL) and holding the process's pid, host and start
 * time. Two processes cannot both hold it, so two resumes of one run cannot
 * both train it. A lock whose process is gone (this host only: another host's
 * processes cannot be seen) is taken over; the takeover first links the stale
 * lock to a name derived from its owner, which only one process can create, so
 * two processes breaking the same stale lock cannot both succeed.
 *
 * @throws InvertscopeError BAD_INPUT naming the process that holds the lock.
 */
export async function acquireTrainerLock(runFolder: string, runId: string): Promise<void> {
  const file = join(runFolder, TRAINER_LOCK);
  const mine = JSON.stringify(currentProcessInfo());
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(mine);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw fileSystemError(error, file, 'taking the trainer lock');
    }
    const holder = await readLock(file);
    if (holder === 'missing') continue;
    if (holder === 'unreadable') {
      await pause(25);
      continue;
    }
    const state = processState(holder);
    if (state !== 'gone') throw heldBy(runId, holder, file);
    await breakStaleLock(file, holder);
  }
  throw new InvertscopeError('INTERNAL', `${file}: could not take the trainer lock after 200 tries`, { file });
}

/** Gives the lock up, if the calling process holds it (a lock taken over from it is left alone). */
export async function releaseTrainerLock(runFolder: string): Promise<void> {
  const file = join(runFolder, TRAINER_LOCK);
  const holder = await readLock(file);
  if (typeof holder === 'object' && holder.pid === process.pid && holder.hostname === hostname()) {
    await unlink(file).catch(() => undefined);
  }
}

/**
 * The process that holds the run's lock and still runs (or runs elsewhere), or
 * null: for checks that report a busy run before anything is started.
 */
async function liveTrainerLock(runFolder: string): Promise<RunProcessInfo | null> {
  const holder = await readLock(join(runFolder, TRAINER_LOCK));
  if (typeof holder !== 'object') return null;
  return processState(holder) === 'gone' ? null : holder;
}

/** Refuses when another live process holds the run's lock. */
export async function requireUnlocked(runFolder: string, runId: string): Promise<void> {
  const holder = await liveTrainerLock(runFolder);
  if (holder && !(holder.pid === process.pid && holder.hostname === hostname()))
    throw heldBy(runId, holder, join(runFolder, TRAINER_LOCK));
}

async function readLock(file: string): Promise<RunProcessInfo | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw fileSystemError(error, file, 'reading the trainer lock');
  }
  try {
    const value = JSON.parse(text) as Partial<RunProcessInfo>;
    if (Number.isSafeInteger(value.pid) && typeof value.hostname === 'string') {
      return {
        pid: value.pid as number,
        hostname: value.hostname,
        startedAt: String(value.startedAt ?? ''),
        ...(Number.isSafeInteger(value.startTicks) ? { startTicks: value.startTicks } : {}),
      };
    }
  } catch {
    // Being written, or left half-written: decided by its age below.
  }
  const age = await stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  // Left half-written by a process that died while creating it: as stale as a dead owner.
  return age > UNREADABLE_GRACE_MS ? { pid: 0, hostname: hostname(), startedAt: '' } : 'unreadable';
}

async function breakStaleLock(file: string, holder: RunProcessInfo): Promise<void> {
  const tomb = `${file}.broken-${holder.pid}-${holder.startTicks ?? Buffer.from(holder.startedAt).toString('hex').slice(0, 16)}`;
  try {
    // Exclusive: of the processes that found this stale lock, one creates the tomb and removes the lock.
    await link(file, tomb);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST' || code === 'ENOENT') return pause(10);
    // File systems without hard links: a rename, which cannot tell two breakers apart.
    await rename(file, tomb).catch(() => undefined);
    return;
  }
  await unlink(file).catch(() => undefined);
}

function heldBy(runId: string, holder: RunProcessInfo, file: string): InvertscopeError {
  const where = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
  return new InvertscopeError(
    'BAD_INPUT',
    `run ${runId} is being trained by process ${holder.pid}${where} (${file}); stop it before training the run again`,
    {
      file,
      field: 'trainer lock',
      value: holder.pid,
    },
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

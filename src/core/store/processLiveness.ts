import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunProcessInfo } from './runTypes';
import { errnoCode } from './storeErrors';

/** The calling process, as recorded in run.json by whoever trains. */
export function currentProcessInfo(): RunProcessInfo {
  const startTicks = linuxProcessStat(process.pid)?.startTicks;
  const startedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();
  return { pid: process.pid, hostname: hostname(), startedAt, ...(startTicks === undefined ? {} : { startTicks }) };
}

export type ProcessState = 'alive' | 'gone' | 'elsewhere';

/**
 * Whether the recorded process still runs. 'elsewhere' when it ran on another
 * host (a shared runs folder), where this machine cannot tell.
 */
export function processState(info: RunProcessInfo, host = hostname()): ProcessState {
  if (info.hostname !== host) return 'elsewhere';
  if (!pidExists(info.pid)) return 'gone';
  const stat = linuxProcessStat(info.pid);
  if (stat) {
    // A zombie has finished; only its exit status waits to be collected.
    if (stat.state === 'Z' || stat.state === 'X') return 'gone';
    if (info.startTicks !== undefined && stat.startTicks !== info.startTicks) return 'gone';
  }
  return 'alive';
}

function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}

/** State and start time from /proc/<pid>/stat; null where there is no /proc. */
function linuxProcessStat(pid: number): { state: string; startTicks: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  return Number.isSafeInteger(startTicks) ? { state: fields[0], startTicks } : null;
}

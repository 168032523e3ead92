/**
 * What polling sees of a runs folder: for each run folder, the size and
 * modification time of run.json, of metrics.jsonl and of its checkpoints
 * folder (where checkpoints, cached analyses and trajectory points are written
 * by renames, which change the folder's time). Two snapshots differ exactly
 * where the file watcher would have reported something, so polling feeds the
 * same change batches. Used where file events do not come: network file
 * systems (NFS, SMB, Lustre, …) written by other machines, such as a cluster
 * job array writing into a shared runs folder.
 */
import { join } from 'node:path';
import { TaskLimiter } from '../util/taskLimiter';
import type { RunsFolderChange } from './runsFolderChanges';

/** One run folder as polling sees it; '' for a file that does not exist. */
export interface RunFilesState {
  readonly record: string;
  readonly metrics: string;
  readonly files: string;
}

export type FolderSnapshot = ReadonlyMap<string, RunFilesState>;

/** The file system calls a snapshot needs (node:fs/promises in the extension, a fake in tests). */
export interface SnapshotFs {
  readdir(path: string): Promise<string[]>;
  /** null when the path does not exist. */
  stat(path: string): Promise<{ readonly mtimeMs: number; readonly size: number } | null>;
}

/** Run folders are named like run ids; the store's staging and deleting folders start with a dot. */
function isRunFolderName(name: string): boolean {
  return !name.startsWith('.') && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

/**
 * Reads the state of every run folder, a few at a time. Null when the runs
 * folder itself cannot be listed (it does not exist yet, or the share is
 * unreachable): polling then waits for it rather than reporting every run gone.
 */
export async function takeSnapshot(
  folder: string,
  fs: SnapshotFs,
  limiter = new TaskLimiter(8),
): Promise<FolderSnapshot | null> {
  let names: string[];
  try {
    names = (await fs.readdir(folder)).filter(isRunFolderName);
  } catch {
    return null;
  }
  const state = async (path: string): Promise<string> => {
    const s = await fs.stat(path).catch(() => null);
    return s ? `${s.mtimeMs}:${s.size}` : '';
  };
  const entries = await Promise.all(
    names.map((name) =>
      limiter.run(async (): Promise<[string, RunFilesState]> => {
        const run = join(folder, name);
        const [record, metrics, files] = await Promise.all([
          state(join(run, 'run.json')),
          state(join(run, 'metrics.jsonl')),
          state(join(run, 'checkpoints')),
        ]);
        return [name, { record, metrics, files }];
      }),
    ),
  );
  return new Map(entries);
}

/** What changed between two snapshots, in the watcher's terms. */
export function diffSnapshots(before: FolderSnapshot, after: FolderSnapshot): RunsFolderChange[] {
  const changes: RunsFolderChange[] = [];
  const appeared = [...after.keys()].some((id) => !before.has(id));
  const vanished = [...before.keys()].some((id) => !after.has(id));
  if (appeared || vanished) changes.push({ scope: 'root' });
  for (const [runId, now] of after) {
    const then = before.get(runId);
    if (!then) continue;
    if (now.record !== then.record) changes.push({ scope: 'run', runId, kind: 'record' });
    if (now.metrics !== then.metrics) changes.push({ scope: 'run', runId, kind: 'metrics' });
    if (now.files !== then.files) changes.push({ scope: 'run', runId, kind: 'files' });
  }
  return changes;
}

/**
 * Linux file system types (statfs f_type) whose changes made on another
 * machine no local file watcher sees: network and cluster file systems, and
 * FUSE (sshfs, cloud buckets).
 */
const NETWORK_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x65735546, 'FUSE'],
  [0x0bd00bd0, 'Lustre'],
  [0x47504653, 'GPFS'],
  [0x19830326, 'BeeGFS'],
  [0x00c36400, 'CephFS'],
  [0x01021997, '9P'],
  [0x5346414f, 'AFS'],
  [0x73757245, 'Coda'],
  [0x7461636f, 'OCFS2'],
  [0x01161970, 'GFS2'],
  [0xaad7aaea, 'PanFS'],
  [0x20030528, 'OrangeFS'],
]);

/**
 * The name of the network file system `folder` is on, or null for a local one
 * (or when it cannot tell). Linux: the statfs type; Windows: a UNC path
 * (\\server\share). `statfsType` reads the type of the nearest existing folder.
 */
export function networkFileSystemName(
  folder: string,
  platform: NodeJS.Platform,
  statfsType: number | null,
): string | null {
  if (platform === 'win32') return /^\\\\[^\\?.]/.test(folder) ? 'a network share' : null;
  if (platform !== 'linux' || statfsType === null) return null;
  return NETWORK_FILE_SYSTEMS.get(statfsType >>> 0) ?? null;
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunId } from '../../core/store/runIds';
import type { RunStore } from '../../core/store/runStore';
import type { RunRecord } from '../../core/store/runTypes';
import type { RunListing } from '../ports';
import { TaskLimiter } from '../util/taskLimiter';

/**
 * The run records of a runs folder as the views read them, again and again:
 * each run.json is parsed and validated once per version of the file (its
 * size, time and inode, which an atomic rewrite changes), so listing a folder
 * of hundreds of runs after one more appeared (a sweep, a job array) reads one
 * file, not all. Files are read a few at a time, so the extension host's event
 * loop (the Runs tree) is never held by a burst of parses.
 */
export class RunRecordCache {
  private readonly records = new Map<string, { readonly version: string; readonly record: RunRecord }>();
  private readonly limiter = new TaskLimiter(8);

  constructor(private readonly store: RunStore) {}

  async list(): Promise<RunListing> {
    let entries;
    try {
      entries = await readdir(this.store.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], damaged: [] };
      throw error;
    }
    const ids = entries.filter((e) => e.isDirectory() && isRunId(e.name)).map((e) => e.name);
    const results = await Promise.all(
      ids.map((id) =>
        this.limiter.run(async () => {
          try {
            return { id, record: await this.readNow(id) };
          } catch (error) {
            return { id, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      ),
    );
    for (const id of [...this.records.keys()]) if (!ids.includes(id)) this.records.delete(id);
    return {
      runs: results.flatMap((r) => ('record' in r && r.record ? [r.record] : [])),
      damaged: results.flatMap((r) =>
        'error' in r && r.error !== undefined
          ? [{ id: r.id, folder: this.store.folderOf(r.id), message: r.error }]
          : [],
      ),
    };
  }

  read(id: string): Promise<RunRecord> {
    return this.readNow(id);
  }

  private async readNow(id: string): Promise<RunRecord> {
    const s = await stat(join(this.store.folderOf(id), 'run.json')).catch(() => null);
    const version = s ? `${s.mtimeMs}:${s.size}:${s.ino}` : '';
    const cached = this.records.get(id);
    if (cached && version !== '' && cached.version === version) return cached.record;
    // The store reads and validates (and names the file and field of anything wrong).
    const record = await this.store.readRun(id);
    if (version !== '') this.records.set(id, { version, record });
    else this.records.delete(id);
    return record;
  }
}

function isRunId(name: string): boolean {
  try {
    checkRunId(name);
    return true;
  } catch {
    return false;
  }
}

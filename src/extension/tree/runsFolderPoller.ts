import type { IDisposable } from '../util/dispose';
import { realTimers, type Timers } from '../util/keyedDebouncer';
import type { RunsFolderChange } from './runsFolderChanges';
import { diffSnapshots, takeSnapshot, type FolderSnapshot, type SnapshotFs } from './runsFolderSnapshot';

/**
 * Looks at a runs folder every `intervalMs` and reports what changed since
 * the last look. The first look only records where things stand. A look
 * starts once the previous one ended, so a slow share is never asked twice
 * at once; a folder that cannot be read is looked at again later, and what
 * changed meanwhile is reported then.
 */
export class RunsFolderPoller implements IDisposable {
  private last: FolderSnapshot | null = null;
  private timer: unknown = undefined;
  private disposed = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly folder: string,
    private readonly intervalMs: number,
    private readonly fs: SnapshotFs,
    private readonly onChanges: (changes: readonly RunsFolderChange[]) => void,
    private readonly timers: Timers = realTimers,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`RunsFolderPoller: intervalMs must be positive, got ${intervalMs}`);
    void this.look();
  }

  /** Looks now (then every interval again); resolves when this look is done. A look already under way is joined. */
  look(): Promise<void> {
    this.inFlight ??= this.lookOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async lookOnce(): Promise<void> {
    if (this.disposed) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const now = await takeSnapshot(this.folder, this.fs);
      if (this.disposed) return;
      if (now) {
        const changes = this.last ? diffSnapshots(this.last, now) : [];
        this.last = now;
        if (changes.length > 0) this.onChanges(changes);
      }
    } finally {
      if (!this.disposed && this.timer === undefined)
        this.timer = this.timers.setTimeout(() => void this.look(), this.intervalMs);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

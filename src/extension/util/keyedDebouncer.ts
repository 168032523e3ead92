import type { IDisposable } from './dispose';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Collects keys and hands them over in one batch once no new key arrived for
 * `quietMs`, or at the latest `maxWaitMs` after the first key of the batch, so a
 * file written every few milliseconds (metrics during training) still updates
 * the view regularly instead of never.
 */
export class KeyedDebouncer<K> implements IDisposable {
  private pending = new Set<K>();
  private quietTimer: unknown = undefined;
  private maxTimer: unknown = undefined;
  private disposed = false;

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly flush: (keys: ReadonlySet<K>) => void,
    private readonly timers: Timers = realTimers,
  ) {
    if (!(quietMs >= 0 && maxWaitMs >= quietMs)) {
      throw new RangeError(
        `KeyedDebouncer: need 0 <= quietMs <= maxWaitMs, got quietMs=${quietMs}, maxWaitMs=${maxWaitMs}`,
      );
    }
  }

  add(key: K): void {
    if (this.disposed) return;
    this.pending.add(key);
    if (this.quietTimer !== undefined) this.timers.clearTimeout(this.quietTimer);
    this.quietTimer = this.timers.setTimeout(() => this.flushNow(), this.quietMs);
    if (this.maxTimer === undefined) this.maxTimer = this.timers.setTimeout(() => this.flushNow(), this.maxWaitMs);
  }

  flushNow(): void {
    this.clearTimers();
    if (this.pending.size === 0 || this.disposed) return;
    const keys = this.pending;
    this.pending = new Set();
    this.flush(keys);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimers();
    this.pending.clear();
  }

  private clearTimers(): void {
    if (this.quietTimer !== undefined) this.timers.clearTimeout(this.quietTimer);
    if (this.maxTimer !== undefined) this.timers.clearTimeout(this.maxTimer);
    this.quietTimer = undefined;
    this.maxTimer = undefined;
  }
}

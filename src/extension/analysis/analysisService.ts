import type { PartialAnalysis, PartialAnalysisListener } from '../../core/analysis/partialAnalysis';
import type { CheckpointAnalysis } from '../../core/analysis/types';
import { InvertscopeError } from '../../core/errors';
import { checkpointKey, parseCheckpointKey } from '../../shared/checkpointRef';
import type { AnalysisOptions, AnalysisPort, AnalysisProgressListener, CheckpointTarget, LogSink } from '../ports';
import { Disposable, toDisposable } from '../util/dispose';
import { Emitter, type Event } from '../util/emitter';
import { formatDuration } from '../../shared/formatNumber';

interface Job {
  readonly controller: AbortController;
  readonly promise: Promise<CheckpointAnalysis>;
  readonly listeners: Set<AnalysisProgressListener>;
  readonly partialListeners: Set<PartialAnalysisListener>;
  waiters: number;
  settled: boolean;
  last: { message: string; fraction: number | null } | null;
  /** What the computation already knows (spectra and κ first), for callers who join later. */
  partial: PartialAnalysis | null;
}

export interface AnalysisCompleted {
  readonly runId: string;
  readonly epoch: number;
  readonly analysis: CheckpointAnalysis;
}

/**
 * The extension's one way to get analyses. Several callers asking for the same
 * checkpoint (a panel, the tree, a command) share one computation; it is
 * aborted only when every caller has gone. Finished analyses stay in memory
 * for a few checkpoints so reopening a panel does not re-read the cache file.
 */
export class AnalysisService extends Disposable {
  private readonly jobs = new Map<string, Job>();
  private readonly memory = new Map<string, CheckpointAnalysis>();
  /** Cache-file reads in progress, by memory key. */
  private readonly reads = new Map<string, Promise<CheckpointAnalysis | null>>();
  private readonly completedEmitter: Emitter<AnalysisCompleted>;
  readonly onDidComplete: Event<AnalysisCompleted>;

  constructor(
    private readonly port: AnalysisPort,
    private readonly options: () => AnalysisOptions,
    private readonly log: LogSink,
    private readonly memorySize = 6,
  ) {
    super();
    this.completedEmitter = this._register(new Emitter<AnalysisCompleted>((e) => this.log.error(String(e))));
    this.onDidComplete = this.completedEmitter.event;
    this._register(
      toDisposable(() => {
        for (const job of this.jobs.values()) job.controller.abort();
        this.jobs.clear();
      }),
    );
  }

  /** The cached analysis, from memory or the cache file; null when there is none. */
  async readCached(target: CheckpointTarget): Promise<CheckpointAnalysis | null> {
    const key = memoryKey(target);
    const remembered = this.memory.get(key);
    if (remembered) return remembered;
    // The tree and a panel (or both columns of one) often ask at the same moment;
    // the cache file can be megabytes, so they share one read.
    const inFlight = this.reads.get(key);
    if (inFlight) return inFlight;
    const read = rejectOnThrow(() => this.port.readCached(target)).then(
      (cached) => {
        // A read that forget() overtook may predate what made it stale; it is neither remembered nor shared further.
        if (this.reads.get(key) !== read) return cached;
        this.reads.delete(key);
        if (cached) this.remember(key, cached);
        return cached;
      },
      (error: unknown) => {
        if (this.reads.get(key) === read) this.reads.delete(key);
        throw error;
      },
    );
    this.reads.set(key, read);
    return read;
  }

  isAnalysing(target: CheckpointTarget): boolean {
    return this.jobs.has(jobKey(target));
  }

  /** The cached analysis if there is one, else a new computation (whose first results go to `onPartial`). */
  async get(
    target: CheckpointTarget,
    onProgress: AnalysisProgressListener,
    signal: AbortSignal,
    onPartial?: PartialAnalysisListener,
  ): Promise<CheckpointAnalysis> {
    const cached = await this.readCached(target);
    if (cached) return cached;
    return this.analyse(target, onProgress, signal, onPartial);
  }

  /** Computes the analysis again (or joins a computation in progress), telling `onPartial` what is known early. */
  analyse(
    target: CheckpointTarget,
    onProgress: AnalysisProgressListener,
    signal: AbortSignal,
    onPartial?: PartialAnalysisListener,
  ): Promise<CheckpointAnalysis> {
    if (this.isDisposed) return Promise.reject(new InvertscopeError('CANCELLED', 'The extension is shutting down'));
    if (signal.aborted) return Promise.reject(cancelled());
    const key = jobKey(target);
    const job = this.jobs.get(key) ?? this.startJob(key, target);
    job.waiters++;
    job.listeners.add(onProgress);
    if (onPartial) job.partialListeners.add(onPartial);
    if (job.last) onProgress(job.last.message, job.last.fraction);
    if (job.partial) onPartial?.(job.partial);
    return new Promise<CheckpointAnalysis>((resolve, reject) => {
      let detached = false;
      const detach = () => {
        if (detached) return;
        detached = true;
        signal.removeEventListener('abort', onAbort);
        job.listeners.delete(onProgress);
        if (onPartial) job.partialListeners.delete(onPartial);
        job.waiters--;
        if (job.waiters === 0 && !job.settled) {
          this.log.info(`analysis ${key}: cancelled (nobody waits for it any more)`);
          job.controller.abort();
        }
      };
      const onAbort = () => {
        detach();
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      job.promise.then(
        (analysis) => {
          detach();
          resolve(analysis);
        },
        (error: unknown) => {
          detach();
          reject(error);
        },
      );
    });
  }

  /** Forgets remembered analyses (after a settings change or a new checkpoint file). */
  forget(runId?: string): void {
    for (const map of [this.memory, this.reads]) {
      for (const key of [...map.keys()]) {
        if (runId === undefined || parseCheckpointKey(key)?.runId === runId) map.delete(key);
      }
    }
  }

  private startJob(key: string, target: CheckpointTarget): Job {
    const controller = new AbortController();
    const listeners = new Set<AnalysisProgressListener>();
    const partialListeners = new Set<PartialAnalysisListener>();
    const started = Date.now();
    this.log.info(`analysis ${key}: started`);
    const job: Job = {
      controller,
      listeners,
      partialListeners,
      waiters: 0,
      settled: false,
      last: null,
      partial: null,
      promise: rejectOnThrow(() =>
        this.port.analyse(
          target,
          this.options(),
          (message, fraction) => {
            job.last = { message, fraction };
            for (const listener of [...listeners]) listener(message, fraction);
          },
          controller.signal,
          (partial) => {
            job.partial = partial;
            for (const listener of [...partialListeners]) listener(partial);
          },
        ),
      ),
    };
    this.jobs.set(key, job);
    // Registered before any waiter's handlers, so waiters that leave after the end see it as settled.
    const settle = () => {
      job.settled = true;
      if (this.jobs.get(key) === job) this.jobs.delete(key);
    };
    job.promise.then(
      (analysis) => {
        settle();
        this.log.info(`analysis ${key}: done in ${formatDuration((Date.now() - started) / 1000)}`);
        this.remember(memoryKey(target), analysis);
        this.completedEmitter.fire({ runId: target.run.id, epoch: target.entry.epoch, analysis });
      },
      (error: unknown) => {
        settle();
        if (!controller.signal.aborted)
          this.log.warn(`analysis ${key}: failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return job;
  }

  private remember(key: string, analysis: CheckpointAnalysis): void {
    this.memory.delete(key);
    this.memory.set(key, analysis);
    while (this.memory.size > this.memorySize) this.memory.delete(this.memory.keys().next().value as string);
  }
}

function jobKey(target: CheckpointTarget): string {
  return checkpointKey({ runId: target.run.id, epoch: target.entry.epoch });
}

/** Includes the file's hash: a checkpoint rewritten under the same epoch is another checkpoint. */
function memoryKey(target: CheckpointTarget): string {
  return checkpointKey({ runId: target.run.id, epoch: target.entry.epoch, sha256: target.entry.sha256 });
}

/** A port that throws instead of rejecting still yields a rejected promise. */
function rejectOnThrow<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

function cancelled(): InvertscopeError {
  return new InvertscopeError('CANCELLED', 'Analysis cancelled');
}

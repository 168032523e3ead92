import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  readAnyCachedAnalysis,
  readCachedAnalysis,
  type AnalysisOptions,
  type AnalysisProgress,
  type CheckpointAnalysis,
  type ClassifierSettings,
  type PartialAnalysis,
} from '../core/analysis';
import { InvertscopeError, isErrorCode } from '../core/errors';
import type {
  AnalysisDone,
  AnalysisRequest,
  FromAnalyzer,
  LightDone,
  LightRequest,
  ToAnalyzer,
} from './analysisProtocol';
import { isFromAnalyzer } from './analysisProtocol';

/** The analysis process's entry file, next to this one once compiled. */
const ANALYZER_ENTRY = join(__dirname, 'analysisProcess.js');

export interface AnalysisClientOptions {
  /** The Node (or Electron-as-Node) binary; defaults to the current one. */
  readonly execPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the process's stderr goes (its stdout carries nothing). */
  readonly onStderr?: (text: string) => void;
  /** The process is stopped after this long without a request (default 2 minutes); a later request starts a new one. */
  readonly idleMs?: number;
  /** The entry file to fork (tests); default ANALYZER_ENTRY. */
  readonly entry?: string;
}

export interface AnalyzeCall {
  readonly onProgress?: (progress: AnalysisProgress) => void;
  /** What is known before the end (spectra and κ first); only while the call is pending. */
  readonly onPartial?: (partial: PartialAnalysis) => void;
  /** Aborting rejects the call at once with InvertscopeError('CANCELLED') and tells the process to stop. */
  readonly signal?: AbortSignal;
}

export interface LightCall {
  /** 0..1 of the point's computation, and what it does now. */
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Aborting rejects the call at once with InvertscopeError('CANCELLED') and tells the process to stop. */
  readonly signal?: AbortSignal;
}

type Pending = { readonly reject: (error: Error) => void } & (
  | {
      readonly kind: 'full';
      readonly resolve: (done: AnalysisDone) => void;
      readonly onProgress?: (progress: AnalysisProgress) => void;
      readonly onPartial?: (partial: PartialAnalysis) => void;
    }
  | {
      readonly kind: 'light';
      readonly resolve: (done: LightDone) => void;
      readonly onProgress?: (fraction: number, message: string) => void;
    }
);

/**
 * Runs analyses in a child process so the caller's event loop (the VS Code
 * extension host) never computes. One process serves requests in turn and is
 * started on the first request. Every promise settles: with the process's
 * answer, with 'CANCELLED' when the caller aborts, or with 'INTERNAL' naming
 * the exit code or signal when the process dies or cannot start.
 *
 * @example
 *   const client = new AnalysisClient({ onStderr: (t) => log.warn(t) });
 *   const { analysis } = await client.analyze({ checkpoint: file, options: { testImages: 1000 } }, { onProgress, signal });
 *   client.dispose();
 */
export class AnalysisClient {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(private readonly options: AnalysisClientOptions = {}) {}

  /** Computes (or reads from the cache) the analysis of `request.checkpoint` in the analysis process. */
  analyze(request: AnalysisRequest, call: AnalyzeCall = {}): Promise<AnalysisDone> {
    return this.request<AnalysisDone>(
      (id) => ({ type: 'start', id, request }),
      call.signal,
      (resolve, reject) => ({ kind: 'full', resolve, reject, onProgress: call.onProgress, onPartial: call.onPartial }),
    );
  }

  /** Computes (or reads from the cache) the trajectory point of `request.checkpoint`, in the same process, in turn with analyses. */
  light(request: LightRequest, call: LightCall = {}): Promise<LightDone> {
    return this.request<LightDone>(
      (id) => ({ type: 'startLight', id, request }),
      call.signal,
      (resolve, reject) => ({ kind: 'light', resolve, reject, onProgress: call.onProgress }),
    );
  }

  private request<T>(
    start: (id: number) => ToAnalyzer,
    signal: AbortSignal | undefined,
    pending: (resolve: (value: T) => void, reject: (error: Error) => void) => Pending,
  ): Promise<T> {
    if (this.disposed)
      return Promise.reject(new InvertscopeError('CANCELLED', 'the analysis client has been disposed'));
    if (signal?.aborted) return Promise.reject(cancelled());
    const id = this.nextId++;
    const child = this.ensureChild();
    this.clearIdle();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        if (child.connected) child.send({ type: 'cancel', id });
        reject(cancelled());
        this.armIdle();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const detach = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(
        id,
        pending(
          (value) => {
            detach();
            resolve(value);
          },
          (error) => {
            detach();
            reject(error);
          },
        ),
      );
      child.send(start(id), (error) => {
        if (error)
          this.settle(id, (p) =>
            p.reject(
              new InvertscopeError('INTERNAL', `could not send the request to the analysis process: ${error.message}`),
            ),
          );
      });
    });
  }

  /** The cached analysis of a checkpoint for these options, or null; read in this process (hashing and parsing only). */
  readCached(
    checkpoint: string,
    options?: Partial<AnalysisOptions>,
    classifierSettings?: Partial<ClassifierSettings>,
  ): Promise<CheckpointAnalysis | null> {
    return readCachedAnalysis(checkpoint, options, classifierSettings);
  }

  /** The newest valid cached analysis of a checkpoint, whatever its options, or null; read in this process. */
  readAnyCached(checkpoint: string): Promise<CheckpointAnalysis | null> {
    return readAnyCachedAnalysis(checkpoint);
  }

  /** The process's id while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the process; pending requests reject with 'CANCELLED'. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearIdle();
    this.failAll(() => new InvertscopeError('CANCELLED', 'the analysis client was disposed'));
    this.child?.kill();
    this.child = null;
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.options.entry ?? ANALYZER_ENTRY, [], {
      execPath: this.options.execPath ?? process.execPath,
      // Electron binaries (VS Code's extension host) run as plain Node only with this set.
      env: { ...(this.options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.options.onStderr?.(text));
    child.on('message', (message) => this.receive(message));
    child.on('error', (error) => this.lost(child, `analysis process error: ${error.message}`));
    // 'close' rather than 'exit': it comes after the IPC channel has delivered every message.
    child.on('close', (code, signal) =>
      this.lost(
        child,
        `the analysis process ${signal ? `was killed by signal ${signal}` : `exited with code ${code}`} before answering`,
      ),
    );
    return child;
  }

  private receive(message: unknown): void {
    if (!isFromAnalyzer(message)) return;
    const m: FromAnalyzer = message;
    switch (m.type) {
      case 'progress': {
        const p = this.pending.get(m.id);
        if (p?.kind === 'full')
          p.onProgress?.({ stage: m.stage, fraction: m.fraction, stageFraction: m.stageFraction, message: m.message });
        break;
      }
      case 'partial': {
        const p = this.pending.get(m.id);
        if (p?.kind === 'full') p.onPartial?.(m.partial);
        break;
      }
      case 'done':
        this.settle(m.id, (p) =>
          p.kind === 'full'
            ? p.resolve({ analysis: m.analysis, fromCache: m.fromCache, cacheFile: m.cacheFile, warnings: m.warnings })
            : p.reject(
                new InvertscopeError('INTERNAL', 'the analysis process answered a light request with an analysis'),
              ),
        );
        break;
      case 'lightProgress': {
        const p = this.pending.get(m.id);
        if (p?.kind === 'light') p.onProgress?.(m.fraction, m.message);
        break;
      }
      case 'lightDone':
        this.settle(m.id, (p) =>
          p.kind === 'light'
            ? p.resolve({ point: m.point, fromCache: m.fromCache, warnings: m.warnings })
            : p.reject(
                new InvertscopeError('INTERNAL', 'the analysis process answered an analysis with a trajectory point'),
              ),
        );
        break;
      case 'failed': {
        const code = isErrorCode(m.error.code) ? m.error.code : 'INTERNAL';
        this.settle(m.id, (p) => p.reject(new InvertscopeError(code, m.error.message)));
        break;
      }
    }
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    how(p);
    this.armIdle();
  }

  /** The process is gone (or failed to start): every request it held fails, and the next one starts a new process. */
  private lost(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.clearIdle();
    this.failAll(() => new InvertscopeError('INTERNAL', reason));
  }

  private failAll(error: () => Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error());
  }

  private armIdle(): void {
    if (this.pending.size > 0 || !this.child) return;
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size === 0 && this.child) {
        const child = this.child;
        this.child = null;
        child.kill();
      }
    }, this.options.idleMs ?? 120_000);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

function cancelled(): InvertscopeError {
  return new InvertscopeError('CANCELLED', 'analysis cancelled');
}

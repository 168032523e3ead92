import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CONTROL_BYTES,
  controlViews,
  createBarrier,
  raiseAbort,
  SLOT,
  STATE_ABORT,
  STATE_STOP,
  type ControlViews,
} from './poolControl';
import { loadPoolTask, type PoolTask } from './poolTask';
import type { PoolWorkerInit, PoolWorkerMessage } from './poolWorker';

export { CONTROL_BYTES } from './poolControl';

export interface WorkerPoolOptions {
  /** Compute threads. 1 runs the task inline on the calling thread, without workers. */
  readonly threads: number;
  /** A shared memory (shared: true) that every thread's kernels use. */
  readonly memory: WebAssembly.Memory;
  /** Byte offset of CONTROL_BYTES reserved for the pool in `memory`, 64-byte aligned. */
  readonly controlOffset: number;
  /** Absolute path of a CommonJS module that exports createPoolTask (see poolTask.ts). */
  readonly taskModule: string;
  /** Passed to every thread's createPoolTask; structured-cloned into workers. */
  readonly taskData: unknown;
}

/** Two compute threads where the machine has them: the target machines have two cores. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

type AtomicsWaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: AtomicsWaitAsync }).waitAsync;

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Runs one task on N threads that share a WebAssembly memory. run() writes nothing: the
 * caller fills `command` first; then every thread runs its task once and run() resolves
 * when all have finished. A dispatch is one futex wake per worker and one asynchronous
 * wait on the main thread, so the main thread stays free while the workers compute.
 *
 * Failures never hang: an error thrown in a worker, a worker that exits, or a worker
 * that fails to start rejects the pending run (and every later one) with an Error that
 * names the thread and the cause, and the remaining workers are terminated.
 * Idle workers do not keep the process alive; dispose() terminates them.
 */
export class WorkerPool {
  readonly command: Float64Array;
  private readonly control: ControlViews;
  private inlineTask: PoolTask | undefined;
  private readonly workers: Worker[] = [];
  private readonly exited: Promise<void>[] = [];
  private pending: Pending | undefined;
  private failure: Error | undefined;
  private disposed = false;
  private completedTarget = 0;
  private exitCount = 0;

  private constructor(
    readonly threads: number,
    private readonly options: WorkerPoolOptions,
  ) {
    this.control = controlViews(options.memory, options.controlOffset);
    this.command = this.control.command;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { threads } = options;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`WorkerPool: threads must be an integer in 1..256, got ${threads}`);
    }
    const pool = new WorkerPool(threads, options);
    new Int32Array(pool.control.ints.buffer, options.controlOffset, CONTROL_BYTES / 4).fill(0);
    if (threads === 1) {
      pool.inlineTask = loadPoolTask(options.taskModule)({
        memory: options.memory,
        threadIndex: 0,
        threadCount: 1,
        command: pool.command,
        barrier: createBarrier(pool.control.ints, 1),
        data: options.taskData,
      });
      return pool;
    }
    try {
      await Promise.all(Array.from({ length: threads }, (_, i) => pool.startWorker(i)));
    } catch (error) {
      pool.dispose();
      throw error;
    }
    return pool;
  }

  /** Runs the task once on every thread. Calls must not overlap. */
  run(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.disposed) return Promise.reject(new Error('WorkerPool: run() after dispose()'));
    if (this.pending) return Promise.reject(new Error('WorkerPool: run() while another run is in flight'));
    if (this.inlineTask) {
      try {
        this.inlineTask.run();
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const { ints } = this.control;
    this.completedTarget += this.threads;
    const done = new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    // A pending futex wait does not hold the event loop open; referenced workers do.
    for (const worker of this.workers) worker.ref();
    Atomics.add(ints, SLOT.generation, 1);
    Atomics.notify(ints, SLOT.generation);
    this.watchCompletion();
    return done;
  }

  /** Stops and terminates the workers; idempotent. A run in flight is rejected. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.inlineTask = undefined;
    if (this.workers.length > 0) {
      Atomics.or(this.control.ints, SLOT.state, STATE_STOP);
      raiseAbort(this.control.ints);
    }
    this.settle(new Error('WorkerPool: disposed while a run was in flight'));
    for (const worker of this.workers) void worker.terminate();
  }

  /** Resolves when every worker thread has exited (immediately for an inline pool). */
  get closed(): Promise<void> {
    return Promise.all(this.exited).then(() => undefined);
  }

  /** Workers that have not exited yet. */
  get liveWorkers(): number {
    return this.workers.length - this.exitCount;
  }

  private startWorker(index: number): Promise<void> {
    const init: PoolWorkerInit = {
      memory: this.options.memory,
      controlOffset: this.options.controlOffset,
      threadIndex: index,
      threadCount: this.threads,
      taskModule: this.options.taskModule,
      taskData: this.options.taskData,
    };
    const worker = new Worker(join(__dirname, 'poolWorker.js'), { workerData: init });
    this.workers.push(worker);
    this.exited.push(
      new Promise<void>((resolve) =>
        worker.once('exit', () => {
          this.exitCount++;
          resolve();
        }),
      ),
    );
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: PoolWorkerMessage) => {
        if (message.type === 'ready') {
          ready = true;
          worker.unref();
          resolve();
        } else {
          const error = new Error(`simd worker ${index} failed: ${message.message}`);
          if (message.stack) error.stack = `${error.message}\n${message.stack}`;
          if (!ready) reject(error);
          this.fail(error);
        }
      });
      worker.on('error', (cause) => {
        const error = new Error(`simd worker ${index} failed: ${cause.message}`, { cause });
        if (!ready) reject(error);
        this.fail(error);
      });
      worker.on('exit', (code) => {
        if (this.disposed) return;
        const error = new Error(`simd worker ${index} exited unexpectedly (exit code ${code})`);
        if (!ready) reject(error);
        this.fail(error);
      });
    });
  }

  private watchCompletion(): void {
    const { ints } = this.control;
    const check = (): void => {
      if (!this.pending) return;
      const done = Atomics.load(ints, SLOT.done);
      if (done >= this.completedTarget) {
        // An aborted run completes too; the failing worker's message settles it.
        if ((Atomics.load(ints, SLOT.state) & STATE_ABORT) === 0) this.settle();
        return;
      }
      const wait = waitAsync(ints, SLOT.done, done);
      if (wait.async) void wait.value.then(check);
      else check();
    };
    check();
  }

  private settle(error?: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    for (const worker of this.workers) worker.unref();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private fail(error: Error): void {
    if (this.failure || this.disposed) return;
    this.failure = error;
    raiseAbort(this.control.ints);
    this.settle(error);
    for (const worker of this.workers) void worker.terminate();
  }
}

/**
 * What a WorkerPool runs. A task module (CommonJS, loaded by absolute path in every
 * thread) exports `createPoolTask`; the pool calls it once per thread and then calls the
 * task's run() on all threads together for every WorkerPool.run().
 */
export interface PoolTaskContext {
  readonly memory: WebAssembly.Memory;
  readonly threadIndex: number;
  readonly threadCount: number;
  /** The run's arguments, written by the caller before WorkerPool.run(). */
  readonly command: Float64Array;
  /** Waits until every thread of the pool has reached it. */
  readonly barrier: () => void;
  /** The pool's taskData (structured-cloned into workers). */
  readonly data: unknown;
}

export interface PoolTask {
  run(): void;
}

export type CreatePoolTask = (context: PoolTaskContext) => PoolTask;

export function loadPoolTask(taskModule: string): CreatePoolTask {
  // A path known only at run time, so not an import.
  const exported = require(taskModule) as { createPoolTask?: unknown };
  if (typeof exported.createPoolTask !== 'function') {
    throw new TypeError(`worker pool: ${taskModule} does not export a createPoolTask function`);
  }
  return exported.createPoolTask as CreatePoolTask;
}

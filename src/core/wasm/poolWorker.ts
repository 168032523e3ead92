import { parentPort, workerData } from 'node:worker_threads';
import {
  controlViews,
  createBarrier,
  markDone,
  PoolAbortedError,
  raiseAbort,
  SLOT,
  STATE_ABORT,
  STATE_STOP,
  waitForChange,
} from './poolControl';
import { loadPoolTask } from './poolTask';

/** What WorkerPool passes to each worker (structured-cloned; the memory stays shared). */
export interface PoolWorkerInit {
  readonly memory: WebAssembly.Memory;
  readonly controlOffset: number;
  readonly threadIndex: number;
  readonly threadCount: number;
  readonly taskModule: string;
  readonly taskData: unknown;
}

/** Messages from a worker to the pool. */
export type PoolWorkerMessage =
  { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string; readonly stack?: string };

function post(message: PoolWorkerMessage): void {
  parentPort?.postMessage(message);
}

function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  post({ type: 'error', message, stack: error instanceof Error ? error.stack : undefined });
}

// The worker never returns to its event loop while the pool lives: it sleeps on the
// control block between runs, so a dispatch costs one futex wake instead of a message.
function serve(init: PoolWorkerInit): void {
  const { ints, command } = controlViews(init.memory, init.controlOffset);
  let task;
  try {
    task = loadPoolTask(init.taskModule)({
      memory: init.memory,
      threadIndex: init.threadIndex,
      threadCount: init.threadCount,
      command,
      barrier: createBarrier(ints, init.threadCount),
      data: init.taskData,
    });
  } catch (error) {
    reportError(error);
    return;
  }
  let seen = Atomics.load(ints, SLOT.generation);
  post({ type: 'ready' });
  for (;;) {
    const state = waitForChange(ints, SLOT.generation, seen);
    if ((state & (STATE_STOP | STATE_ABORT)) !== 0) return;
    seen = Atomics.load(ints, SLOT.generation);
    try {
      task.run();
    } catch (error) {
      if (!(error instanceof PoolAbortedError)) reportError(error);
      raiseAbort(ints);
      markDone(ints, init.threadCount);
      return;
    }
    markDone(ints, init.threadCount);
  }
}

serve(workerData as PoolWorkerInit);

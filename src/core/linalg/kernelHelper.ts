/**
 * Worker thread entry of kernelThreads: instantiates the kernel modules on the
 * shared memory, says 'ready', then sleeps on the control block and takes
 * groups of every dispatch (background groups first, unless they yield) until
 * the caller stops it. It never returns to its event loop while it serves, so
 * a dispatch costs one futex wake.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CONTROL, STATE_BACKGROUND_YIELDS, STATE_STOP } from './kernelCalls';
import { KernelGroupRunner, type KernelModules } from './kernelGroupRunner';

export interface KernelHelperInit {
  readonly memory: WebAssembly.Memory;
  readonly controlOffset: number;
  readonly threadIndex: number;
  readonly modules: KernelModules;
}

export type KernelHelperMessage = { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string };

function serve(init: KernelHelperInit): void {
  const ints = new Int32Array(init.memory.buffer, init.controlOffset, 256);
  let runner: KernelGroupRunner;
  try {
    runner = new KernelGroupRunner(init.memory, init.controlOffset, init.modules, init.threadIndex);
  } catch (error) {
    parentPort?.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    } satisfies KernelHelperMessage);
    return;
  }
  let seen = Atomics.load(ints, CONTROL.generation);
  parentPort?.postMessage({ type: 'ready' } satisfies KernelHelperMessage);
  for (;;) {
    while (Atomics.load(ints, CONTROL.generation) === seen && (Atomics.load(ints, CONTROL.state) & STATE_STOP) === 0) {
      Atomics.wait(ints, CONTROL.generation, seen);
    }
    if ((Atomics.load(ints, CONTROL.state) & STATE_STOP) !== 0) return;
    seen = Atomics.load(ints, CONTROL.generation);
    try {
      if ((Atomics.load(ints, CONTROL.state) & STATE_BACKGROUND_YIELDS) !== 0) {
        // Work for idle moments: the caller's dispatches first, between any two of its groups.
        do runner.claim();
        while (runner.claimBackground(1));
      } else {
        // A background group is posted once and waited for only at its join: take it first.
        runner.claimBackground();
        runner.claim();
      }
    } catch (error) {
      parentPort?.postMessage({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
      } satisfies KernelHelperMessage);
    }
  }
}

serve(workerData as KernelHelperInit);

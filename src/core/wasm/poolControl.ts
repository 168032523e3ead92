/**
 * The control block a WorkerPool keeps in shared memory: a dispatch generation, a
 * completion counter, a barrier and state flags, each on its own cache line so threads
 * spinning on one do not slow the others, followed by the command slots the caller fills
 * before each run. Main thread and workers both use these helpers.
 */
export const CONTROL_BYTES = 1024;
/** Float64 slots for a run's arguments. */
const COMMAND_SLOTS = 64;

const COMMAND_BYTE_OFFSET = CONTROL_BYTES - COMMAND_SLOTS * 8;

/** Int32 indices into the control block. */
export const SLOT = {
  generation: 0,
  done: 16,
  barrierCount: 32,
  barrierGeneration: 48,
  state: 64,
} as const;

export const STATE_STOP = 1;
export const STATE_ABORT = 2;

// Polls before sleeping on the futex. One poll (two atomic loads) takes ~14 ns in V8 here,
// so this is ~50 µs: long enough to bridge the usual gap at a barrier or between two runs
// without a futex round trip, short enough not to steal a shared core for long from a
// thread that is still working.
const SPIN_LIMIT = 4_000;

/** Thrown inside a thread that was waiting when another thread failed; it is not the cause. */
export class PoolAbortedError extends Error {
  constructor() {
    super('worker pool aborted by a failure on another thread');
    this.name = 'PoolAbortedError';
  }
}

export interface ControlViews {
  readonly ints: Int32Array;
  readonly command: Float64Array;
}

export function controlViews(memory: WebAssembly.Memory, offset: number): ControlViews {
  if (offset % 64 !== 0)
    throw new RangeError(`worker pool: control block offset must be 64-byte aligned, got ${offset}`);
  const buffer = memory.buffer;
  if (!(buffer instanceof SharedArrayBuffer))
    throw new TypeError('worker pool: the memory must be shared (shared: true)');
  return {
    ints: new Int32Array(buffer, offset, CONTROL_BYTES / 4),
    command: new Float64Array(buffer, offset + COMMAND_BYTE_OFFSET, COMMAND_SLOTS),
  };
}

function checkAbort(ints: Int32Array): void {
  if ((Atomics.load(ints, SLOT.state) & STATE_ABORT) !== 0) throw new PoolAbortedError();
}

/**
 * Blocks until ints[index] differs from `seen` or a state flag is raised: spins first,
 * then sleeps on the futex. Returns the state flags.
 */
export function waitForChange(ints: Int32Array, index: number, seen: number): number {
  for (let spin = 0; spin < SPIN_LIMIT; spin++) {
    if (Atomics.load(ints, index) !== seen) return Atomics.load(ints, SLOT.state);
    if (Atomics.load(ints, SLOT.state) !== 0) return Atomics.load(ints, SLOT.state);
  }
  while (Atomics.load(ints, index) === seen && Atomics.load(ints, SLOT.state) === 0) {
    Atomics.wait(ints, index, seen);
  }
  return Atomics.load(ints, SLOT.state);
}

/** A reusable barrier for `threads` threads; throws PoolAbortedError if the pool is aborted while waiting. */
export function createBarrier(ints: Int32Array, threads: number): () => void {
  if (threads === 1) return () => undefined;
  return () => {
    const generation = Atomics.load(ints, SLOT.barrierGeneration);
    if (Atomics.add(ints, SLOT.barrierCount, 1) === threads - 1) {
      Atomics.store(ints, SLOT.barrierCount, 0);
      Atomics.add(ints, SLOT.barrierGeneration, 1);
      Atomics.notify(ints, SLOT.barrierGeneration);
      return;
    }
    waitForChange(ints, SLOT.barrierGeneration, generation);
    checkAbort(ints);
  };
}

/** Raises the abort flag and wakes every thread that sleeps on the block. */
export function raiseAbort(ints: Int32Array): void {
  Atomics.or(ints, SLOT.state, STATE_ABORT);
  Atomics.notify(ints, SLOT.barrierGeneration);
  Atomics.notify(ints, SLOT.generation);
  Atomics.notify(ints, SLOT.done);
}

/** Counts one thread as finished with the current run; the last one wakes the main thread. */
export function markDone(ints: Int32Array, threads: number): void {
  const finished = Atomics.add(ints, SLOT.done, 1) + 1;
  if (finished % threads === 0) Atomics.notify(ints, SLOT.done);
}

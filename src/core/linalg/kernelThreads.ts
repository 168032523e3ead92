import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultThreadCount } from '../wasm/workerPool';
import {
  CALL_STRIDE,
  claimWord,
  CONTROL,
  CONTROL_BYTES,
  KERNEL_INDEX,
  MAX_ARGS,
  MAX_GROUPS,
  MAX_THREADS,
  SLOT_BYTE_OFFSET,
  SLOTS,
  STATE_BACKGROUND_FAILED,
  STATE_BACKGROUND_YIELDS,
  STATE_FAILED,
  STATE_STOP,
  WORK,
  type KernelName,
} from './kernelCalls';
import { compileKernelModules, KernelGroupRunner } from './kernelGroupRunner';
import type { KernelHelperInit, KernelHelperMessage } from './kernelHelper';
import { CONTROL_OFFSET, kernelMemory } from './linalgKernels';

/** One kernel call: the export it names and its arguments (WORK for the running thread's work area). */
export interface KernelCall {
  readonly kernel: KernelName;
  readonly args: readonly number[];
}

/** Calls that run in order on one thread; different groups may run on different threads at once. */
export type KernelGroup = readonly KernelCall[];

interface Threads {
  readonly runner: KernelGroupRunner;
  readonly ints: Int32Array;
  readonly words: BigInt64Array;
  helpers: number;
  workers: Worker[];
  dispatches: number;
  backgroundDispatches: number;
  /** Whether background groups are posted and not yet joined (one set at a time: a second runs as an ordinary dispatch). */
  background: boolean;
  workBytes: number;
  workAreas: number[];
  failure: string | null;
}

let threads: Threads | undefined;
let starting: Promise<void> | undefined;
/** The count last asked for with startKernelThreads; ensureKernelThreads keeps it. */
let chosen: number | undefined;

function state(): Threads {
  if (!threads) {
    const { memory } = kernelMemory();
    threads = {
      runner: new KernelGroupRunner(memory, CONTROL_OFFSET, compileKernelModules(), 0),
      ints: new Int32Array(memory.buffer, CONTROL_OFFSET, CONTROL_BYTES / 4),
      words: new BigInt64Array(memory.buffer, CONTROL_OFFSET, CONTROL_BYTES / 8),
      helpers: 0,
      workers: [],
      dispatches: 0,
      backgroundDispatches: 0,
      background: false,
      workBytes: 0,
      workAreas: [],
      failure: null,
    };
  }
  return threads;
}

/**
 * Starts the helper threads that runKernelGroups shares its work with: with
 * `count` threads in all (default: two where the machine has two cores), the
 * calling thread and count − 1 helpers. Until they are ready, and if they
 * cannot start, everything runs on the calling thread, with the same results:
 * every kernel call computes the same numbers on any thread. Idempotent; a
 * different count later stops the helpers and starts that many.
 *
 * @example
 *   await startKernelThreads();
 *   kernelThreadCount();  // 2 on a two-core machine
 */
export async function startKernelThreads(count = defaultThreadCount()): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new RangeError(`startKernelThreads: count must be an integer in 1..${MAX_THREADS}, got ${count}`);
  }
  chosen = count;
  const t = state();
  for (;;) {
    while (starting) await starting;
    if (t.helpers === count - 1 && t.workers.length === count - 1) return;
    // A helper may be running background groups that an awaiting caller will join: stop none mid-group.
    if (!t.background) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  stopHelpers(t);
  if (count === 1) return;
  starting = spawnHelpers(t, count - 1).finally(() => {
    starting = undefined;
  });
  await starting;
}

/**
 * The kernel threads as last chosen with startKernelThreads, or the default
 * count when nobody chose: what an analysis calls before its heavy stages.
 */
export function ensureKernelThreads(): Promise<void> {
  return startKernelThreads(chosen ?? defaultThreadCount());
}

async function spawnHelpers(t: Threads, helpers: number): Promise<void> {
  const { memory } = kernelMemory();
  const modules = compileKernelModules();
  Atomics.store(t.ints, CONTROL.state, 0);
  const workers = Array.from({ length: helpers }, (_, i) => {
    const init: KernelHelperInit = { memory, controlOffset: CONTROL_OFFSET, threadIndex: i + 1, modules };
    return new Worker(join(__dirname, 'kernelHelper.js'), { workerData: init });
  });
  const ready = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.on('message', (message: KernelHelperMessage) => {
          if (message.type === 'ready') resolve();
          else {
            t.failure = message.message;
            reject(new Error(message.message));
          }
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`kernel helper exited with code ${code}`)));
      }),
  );
  try {
    await Promise.all(ready);
  } catch {
    // Work continues on the calling thread alone.
    for (const worker of workers) void worker.terminate();
    return;
  }
  // Sleeping helpers must not keep the process alive.
  for (const worker of workers) worker.unref();
  t.workers = workers;
  t.helpers = helpers;
}

function stopHelpers(t: Threads): void {
  if (t.workers.length === 0) return;
  Atomics.or(t.ints, CONTROL.state, STATE_STOP);
  Atomics.notify(t.ints, CONTROL.generation);
  for (const worker of t.workers) void worker.terminate();
  t.workers = [];
  t.helpers = 0;
}

/** Threads that runKernelGroups uses now: 1 plus the helpers that are ready. */
export function kernelThreadCount(): number {
  return 1 + (threads?.helpers ?? 0);
}

/**
 * Runs the groups, each on one thread, the calling thread taking its share,
 * and returns when all are done (synchronously: the calling thread waits on
 * the shared memory for the helpers). Each thread gets a work area of at
 * least `workBytes` for the calls' WORK arguments. Buffers the calls use
 * must stay allocated until this returns.
 *
 * @example
 *   runKernelGroups([[{ kernel: 'lu_f64', args: [n, a, piv, WORK] }], [{ kernel: 'lu_f64', args: [n, b, piv2, WORK] }]],
 *     kernels.gemm_work_bytes(8));
 */
export function runKernelGroups(groups: readonly KernelGroup[], workBytes: number): void {
  if (groups.length === 0) return;
  const t = state();
  const { heap, memory } = kernelMemory();
  ensureWorkAreas(t, workBytes);
  const table = writeTable(groups);
  try {
    const sequence = ++t.dispatches;
    const slots = new Float64Array(memory.buffer, CONTROL_OFFSET + SLOT_BYTE_OFFSET, 64);
    slots[SLOTS.table + (sequence % 2)] = table;
    Atomics.store(t.ints, CONTROL.finished, 0);
    Atomics.store(t.words, CONTROL.claim, claimWord(sequence, groups.length, 0));
    // One group is this thread's alone; more wake the helpers, who take what this thread has not.
    if (groups.length > 1 && t.helpers > 0) wakeHelpers(t);
    let thrown: unknown;
    try {
      t.runner.claim();
    } catch (error) {
      thrown = error;
    }
    // Wait only for groups a helper claimed and is still running.
    waitForFinished(t, CONTROL.finished, groups.length);
    const helperFailed = (Atomics.and(t.ints, CONTROL.state, ~STATE_FAILED) & STATE_FAILED) !== 0;
    if (thrown !== undefined) throw thrown;
    if (helperFailed) throw new Error(`a kernel failed on a helper thread${t.failure ? `: ${t.failure}` : ''}`);
  } finally {
    heap.release(table);
  }
}

/**
 * Runs `meanwhile` on the calling thread while the helpers run `groups`, and
 * returns what it returns once the groups are done too: for long kernels
 * that do not depend on the JavaScript beside them (the singular values of
 * a Jacobian while its inverse is iterated on). `meanwhile` may run kernels
 * itself (runKernelGroups); a helper joins those once it is out of the
 * groups. Whatever the helpers have not started when `meanwhile` returns,
 * the calling thread runs, so with no helpers this is `meanwhile()` then the
 * groups, with the same numbers; so it is too when background groups are
 * running already (the helpers are busy: these run after `meanwhile`, as
 * an ordinary dispatch). The groups cannot use WORK (the threads' work areas
 * are the calls' beside them): each brings its own buffers, which must stay
 * allocated until this returns.
 *
 * @example
 *   const rest = runKernelGroupsAlongside([[{ kernel: 'bidiag_f64', args: [n, a, d, e, tq, tp, work] }]], () => iterate());
 */
export function runKernelGroupsAlongside<T>(groups: readonly KernelGroup[], meanwhile: () => T): T {
  const posted = postBackground(groups, 'ahead');
  if (!posted) {
    const value = meanwhile();
    runKernelGroups(groups, 0);
    return value;
  }
  let outcome: Outcome<T>;
  try {
    outcome = { value: meanwhile() };
  } catch (error) {
    outcome = { error };
  }
  return joinBackground(posted, outcome);
}

/**
 * Whether the helpers take background groups before the caller's dispatches ('ahead': groups
 * whose results the caller will wait for) or only when those have no group left ('idle': work
 * that fills the moments the caller runs JavaScript, one group at a time).
 */
export type BackgroundPriority = 'ahead' | 'idle';

/**
 * runKernelGroupsAlongside for a `meanwhile` that awaits (a stage that reports progress between
 * its steps), with the groups' priority.
 */
export async function runKernelGroupsAlongsideAsync<T>(
  groups: readonly KernelGroup[],
  meanwhile: () => Promise<T>,
  priority: BackgroundPriority = 'ahead',
): Promise<T> {
  const posted = postBackground(groups, priority);
  if (!posted) {
    const value = await meanwhile();
    runKernelGroups(groups, 0);
    return value;
  }
  let outcome: Outcome<T>;
  try {
    outcome = { value: await meanwhile() };
  } catch (error) {
    outcome = { error };
  }
  return joinBackground(posted, outcome);
}

type Outcome<T> = { readonly value: T } | { readonly error: unknown };

interface Posted {
  readonly t: Threads;
  readonly table: number;
  readonly count: number;
}

/** Publishes `groups` as the background dispatch and wakes the helpers; null when one is running already (or there is nothing to run). */
function postBackground(groups: readonly KernelGroup[], priority: BackgroundPriority): Posted | null {
  if (groups.some((group) => group.some((call) => call.args.includes(WORK))))
    throw new RangeError('runKernelGroupsAlongside: a background call cannot use WORK; give it its own buffer');
  const t = state();
  if (t.background || groups.length === 0) return null;
  const { memory } = kernelMemory();
  const table = writeTable(groups);
  const slots = new Float64Array(memory.buffer, CONTROL_OFFSET + SLOT_BYTE_OFFSET, 64);
  slots[SLOTS.backgroundTable] = table;
  if (priority === 'idle') Atomics.or(t.ints, CONTROL.state, STATE_BACKGROUND_YIELDS);
  else Atomics.and(t.ints, CONTROL.state, ~STATE_BACKGROUND_YIELDS);
  Atomics.store(t.ints, CONTROL.backgroundFinished, 0);
  Atomics.store(t.words, CONTROL.backgroundClaim, claimWord(++t.backgroundDispatches, groups.length, 0));
  t.background = true;
  if (t.helpers > 0) wakeHelpers(t);
  return { t, table, count: groups.length };
}

/**
 * Runs the background groups no helper has taken, waits for the rest, then
 * passes on `outcome`: meanwhile's error first, then a group's. The groups'
 * buffers are released once the caller returns, so every group finishes
 * first, even after an error.
 */
function joinBackground<T>({ t, table, count }: Posted, outcome: Outcome<T>): T {
  try {
    let thrown: unknown;
    try {
      t.runner.claimBackground();
    } catch (error) {
      thrown = error;
    }
    waitForFinished(t, CONTROL.backgroundFinished, count);
    const failed = (Atomics.and(t.ints, CONTROL.state, ~STATE_BACKGROUND_FAILED) & STATE_BACKGROUND_FAILED) !== 0;
    if ('error' in outcome) throw outcome.error;
    if (thrown !== undefined) throw thrown;
    if (failed) throw new Error(`a kernel failed on a helper thread${t.failure ? `: ${t.failure}` : ''}`);
    return outcome.value;
  } finally {
    t.background = false;
    kernelMemory().heap.release(table);
  }
}

function wakeHelpers(t: Threads): void {
  Atomics.add(t.ints, CONTROL.generation, 1);
  Atomics.notify(t.ints, CONTROL.generation);
}

/** A dispatch's table in the kernel memory (a start and an end call index per group, then the calls); the caller releases it. */
function writeTable(groups: readonly KernelGroup[]): number {
  if (groups.length > MAX_GROUPS)
    throw new RangeError(`runKernelGroups: ${groups.length} groups, at most ${MAX_GROUPS}`);
  const { heap, memory } = kernelMemory();
  const callCount = groups.reduce((sum, g) => sum + g.length, 0);
  const tableBytes = (2 * groups.length + callCount * CALL_STRIDE) * 8;
  const table = heap.alloc(tableBytes);
  try {
    const f64 = new Float64Array(memory.buffer, table, tableBytes / 8);
    let call = 0;
    groups.forEach((group, g) => {
      f64[2 * g] = call;
      for (const { kernel, args } of group) {
        if (args.length > MAX_ARGS)
          throw new RangeError(`runKernelGroups: ${kernel} has ${args.length} arguments, at most ${MAX_ARGS}`);
        const at = 2 * groups.length + call * CALL_STRIDE;
        f64[at] = KERNEL_INDEX[kernel];
        f64[at + 1] = args.length;
        for (let i = 0; i < args.length; i++) f64[at + 2 + i] = args[i];
        call++;
      }
      f64[2 * g + 1] = call;
    });
  } catch (error) {
    heap.release(table);
    throw error;
  }
  return table;
}

function waitForFinished(t: Threads, counter: number, count: number): void {
  for (let spin = 0; spin < 2000; spin++) if (Atomics.load(t.ints, counter) >= count) return;
  for (;;) {
    const finished = Atomics.load(t.ints, counter);
    if (finished >= count) return;
    Atomics.wait(t.ints, counter, finished, 1000);
  }
}

function ensureWorkAreas(t: Threads, workBytes: number): void {
  const { heap, memory } = kernelMemory();
  const count = 1 + t.workers.length;
  if (workBytes <= t.workBytes && t.workAreas.length >= count) return;
  for (const area of t.workAreas) heap.release(area);
  t.workBytes = Math.max(workBytes, t.workBytes);
  t.workAreas = Array.from({ length: count }, () => heap.alloc(t.workBytes));
  const slots = new Float64Array(memory.buffer, CONTROL_OFFSET + SLOT_BYTE_OFFSET, 64);
  t.workAreas.forEach((area, i) => {
    slots[SLOTS.workAreas + i] = area;
    new Uint8Array(memory.buffer, area, t.workBytes).fill(0);
  });
}

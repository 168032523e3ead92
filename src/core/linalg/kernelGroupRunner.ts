import { compileKernelModule, instantiateKernelModule } from '../wasm/kernelModule';
import {
  CALL_STRIDE,
  claimParts,
  CONTROL,
  CONTROL_BYTES,
  KERNEL_FUNCTIONS,
  SLOT_BYTE_OFFSET,
  SLOTS,
  STATE_BACKGROUND_FAILED,
  STATE_FAILED,
  WORK,
  type KernelModuleName,
} from './kernelCalls';

type KernelFunction = (...args: number[]) => unknown;

/** The compiled modules a thread instantiates on the shared memory. */
export type KernelModules = Readonly<Record<KernelModuleName, WebAssembly.Module>>;

export function compileKernelModules(): KernelModules {
  return {
    linalg: compileKernelModule('linalg'),
    dense: compileKernelModule('dense'),
    nearest: compileKernelModule('nearest'),
  };
}

/**
 * One thread's side of a dispatch: instances of every kernel module on the
 * shared memory, and claim() running groups of calls until none is left.
 * Groups are claimed with a compare-and-swap on the claim word, so the
 * calling thread and the helpers share out the work whatever their speed.
 */
export class KernelGroupRunner {
  private readonly functions: KernelFunction[];
  private readonly ints: Int32Array;
  private readonly words: BigInt64Array;
  private readonly slots: Float64Array;

  constructor(
    private readonly memory: WebAssembly.Memory,
    controlOffset: number,
    modules: KernelModules,
    private readonly threadIndex: number,
  ) {
    const instances = new Map<KernelModuleName, WebAssembly.Exports>();
    for (const name of Object.keys(modules) as KernelModuleName[])
      instances.set(name, instantiateKernelModule(modules[name], memory));
    this.functions = KERNEL_FUNCTIONS.map(([module, name]) => {
      const fn = instances.get(module)?.[name];
      if (typeof fn !== 'function')
        throw new Error(`kernel ${module}.${name} is missing; rebuild with \`npm run build\``);
      return fn as KernelFunction;
    });
    this.ints = new Int32Array(memory.buffer, controlOffset, CONTROL_BYTES / 4);
    this.words = new BigInt64Array(memory.buffer, controlOffset, CONTROL_BYTES / 8);
    this.slots = new Float64Array(memory.buffer, controlOffset + SLOT_BYTE_OFFSET, 64);
  }

  /**
   * Runs groups of the current dispatch until none is left to claim. A
   * group's failure is recorded in the state flags; once a group of the
   * dispatch has failed, the groups still unclaimed are claimed and counted
   * as finished without running, so every group finishes (the caller waits
   * for all of them) whichever threads fail. This thread's first error is
   * rethrown after that.
   */
  claim(): void {
    this.claimFrom(CONTROL.claim, CONTROL.finished, STATE_FAILED, (sequence) => SLOTS.table + (sequence % 2));
  }

  /**
   * The same for the background dispatch (runKernelGroupsAlongside), which has its own claim word,
   * count and flag; at most `limit` groups. Whether it took any.
   */
  claimBackground(limit = Number.POSITIVE_INFINITY): boolean {
    return (
      this.claimFrom(
        CONTROL.backgroundClaim,
        CONTROL.backgroundFinished,
        STATE_BACKGROUND_FAILED,
        () => SLOTS.backgroundTable,
        limit,
      ) > 0
    );
  }

  private claimFrom(
    claimAt: number,
    finishedAt: number,
    failedFlag: number,
    tableSlot: (sequence: number) => number,
    limit = Number.POSITIVE_INFINITY,
  ): number {
    let failure: { error: unknown } | null = null;
    let taken = 0;
    while (taken < limit) {
      const word = Atomics.load(this.words, claimAt);
      const { sequence, count, next } = claimParts(word);
      if (next >= count) break;
      if (Atomics.compareExchange(this.words, claimAt, word, word + 1n) !== word) continue;
      taken++;
      // The dispatch cannot end before this group finishes, so its table stays put.
      try {
        if ((Atomics.load(this.ints, CONTROL.state) & failedFlag) === 0)
          this.run(this.slots[tableSlot(sequence)], count, next);
      } catch (error) {
        Atomics.or(this.ints, CONTROL.state, failedFlag);
        failure ??= { error };
      } finally {
        Atomics.add(this.ints, finishedAt, 1);
        Atomics.notify(this.ints, finishedAt);
      }
    }
    if (failure) throw failure.error;
    return taken;
  }

  private run(table: number, groups: number, g: number): void {
    const work = this.slots[SLOTS.workAreas + this.threadIndex];
    // The memory may have grown since the last dispatch: the view is made per group.
    const f64 = new Float64Array(this.memory.buffer);
    const start = f64[table / 8 + 2 * g];
    const end = f64[table / 8 + 2 * g + 1];
    const calls = table / 8 + 2 * groups;
    for (let c = start; c < end; c++) {
      const at = calls + c * CALL_STRIDE;
      const argc = f64[at + 1];
      const args = new Array<number>(argc);
      for (let i = 0; i < argc; i++) {
        const v = f64[at + 2 + i];
        args[i] = v === WORK ? work : v;
      }
      this.functions[f64[at]](...args);
    }
  }
}

import { compileKernelModule, instantiateKernelModule } from '../wasm/kernelModule';
import { CALL_STRIDE, CONTROL, KERNEL_FUNCTIONS, SLOT_BYTE_OFFSET, SLOTS, WORK, type KernelModuleName } from './kernelCalls';

type KernelFunction = (...args: number[]) => unknown;

/** The compiled modules a thread instantiates on the shared memory. */
export type KernelModules = Readonly<Record<KernelModuleName, WebAssembly.Module>>;

export function compileKernelModules(): KernelModules {
  return { f64: compileKernelModule('f64'), f32: compileKernelModule('f32'), nearest: compileKernelModule('nearest') };
}

/**
 * One thread's side of a dispatch: instances of every kernel module on the
 * shared memory, and claim() running groups of calls until none is left.
 * Groups are claimed with an atomic counter, so the calling thread and the
 * helpers share out the work whatever their speed.
 */
export class KernelGroupRunner {
  private readonly functions: KernelFunction[];
  private readonly ints: Int32Array;
  private readonly slots: Float64Array;

  constructor(private readonly memory: WebAssembly.Memory, controlOffset: number, modules: KernelModules, private readonly threadIndex: number) {
    const instances = new Map<KernelModuleName, WebAssembly.Exports>();
    for (const name of Object.keys(modules) as KernelModuleName[]) instances.set(name, instantiateKernelModule(modules[name], memory));
    this.functions = KERNEL_FUNCTIONS.map(([module, name]) => {
      const fn = instances.get(module)?.[name];
      if (typeof fn !== 'function') throw new Error(`kernel ${module}.${name} is missing; rebuild with \`npm run build\``);
      return fn as KernelFunction;
    });
    this.ints = new Int32Array(memory.buffer, controlOffset, 256);
    this.slots = new Float64Array(memory.buffer, controlOffset + SLOT_BYTE_OFFSET, 64);
  }

  /** Runs groups of the current dispatch until every group is claimed. */
  claim(): void {
    const groups = this.slots[SLOTS.groupCount];
    const table = this.slots[SLOTS.table];
    const work = this.slots[SLOTS.workAreas + this.threadIndex];
    for (let g = Atomics.add(this.ints, CONTROL.claim, 1); g < groups; g = Atomics.add(this.ints, CONTROL.claim, 1)) {
      // The memory may have grown since the last dispatch: views are made per group.
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
}

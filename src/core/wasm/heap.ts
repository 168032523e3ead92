import { WASM_PAGE_BYTES } from './kernelModule';

/**
 * Hands out aligned regions of a WebAssembly memory to the TypeScript side.
 * Regions live as long as the heap: training and analysis allocate their
 * buffers once and reuse them every step, so a bump allocator is enough and
 * keeps memory flat across epochs.
 */
export class WasmHeap {
  private top: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base = 1024,
  ) {
    this.top = base;
  }

  /** Byte offset of a fresh region of `bytes`, aligned to 64 bytes (a cache line). */
  alloc(bytes: number): number {
    const offset = Math.ceil(this.top / 64) * 64;
    const end = offset + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / WASM_PAGE_BYTES));
    this.top = end;
    return offset;
  }

  f32(length: number): { offset: number; view: () => Float32Array } {
    const offset = this.alloc(length * 4);
    // The buffer object changes when memory grows, so views are made on demand.
    return { offset, view: () => new Float32Array(this.memory.buffer, offset, length) };
  }

  f64(length: number): { offset: number; view: () => Float64Array } {
    const offset = this.alloc(length * 8);
    return { offset, view: () => new Float64Array(this.memory.buffer, offset, length) };
  }

  get bytesUsed(): number {
    return this.top;
  }
}

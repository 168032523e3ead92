import { WASM_PAGE_BYTES } from '../wasm/kernelModule';

/** Every region starts on a cache line. */
const ALIGN = 64;

/**
 * First-fit allocator over a WebAssembly memory, with freeing and coalescing:
 * the kernels' scratch frames and the buffers that outlive one call (LU
 * factors kept for later solves, the threads' work areas) share one memory
 * that several threads' kernel instances address. Freed regions are reused,
 * so a long session (many checkpoints analysed in one process) stays within
 * the largest amount it ever held at once. Memory only grows, by whole pages,
 * when no free region is large enough.
 *
 * @example
 *   const heap = new KernelHeap(memory, 1024);
 *   const a = heap.alloc(784 * 784 * 8);
 *   heap.free(a);
 */
export class KernelHeap {
  /** Free regions [start, end), sorted by start, never adjacent (they are merged). */
  private readonly free = new Array<{ start: number; end: number }>();
  private readonly sizes = new Map<number, number>();
  private top: number;
  private inUse = 0;
  private peak = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Byte offset of a region of at least `bytes` (not cleared), 64-byte aligned. */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new RangeError(`KernelHeap.alloc: bytes must be a non-negative integer, got ${bytes}`);
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let offset = -1;
    for (let i = 0; i < this.free.length; i++) {
      const region = this.free[i];
      if (region.end - region.start < size) continue;
      offset = region.start;
      region.start += size;
      if (region.start === region.end) this.free.splice(i, 1);
      break;
    }
    if (offset < 0) {
      // Take the end of memory, starting at a free region that reaches it.
      const last = this.free[this.free.length - 1];
      if (last && last.end === this.top) {
        offset = last.start;
        this.free.pop();
      } else {
        offset = this.top;
      }
      this.top = offset + size;
      const have = this.memory.buffer.byteLength;
      if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / WASM_PAGE_BYTES));
    }
    this.sizes.set(offset, size);
    this.inUse += size;
    this.peak = Math.max(this.peak, this.inUse);
    return offset;
  }

  /** Returns a region from alloc; freeing it twice, or an offset it did not give, throws. */
  release(offset: number): void {
    const size = this.sizes.get(offset);
    if (size === undefined) throw new RangeError(`KernelHeap.release: ${offset} is not an allocated region`);
    this.sizes.delete(offset);
    this.inUse -= size;
    const end = offset + size;
    let i = 0;
    while (i < this.free.length && this.free[i].start < offset) i++;
    const before = i > 0 ? this.free[i - 1] : undefined;
    const after = i < this.free.length ? this.free[i] : undefined;
    if (before && before.end === offset && after && after.start === end) {
      before.end = after.end;
      this.free.splice(i, 1);
    } else if (before && before.end === offset) {
      before.end = end;
    } else if (after && after.start === end) {
      after.start = offset;
    } else {
      this.free.splice(i, 0, { start: offset, end });
    }
  }

  /** Bytes in regions handed out and not yet released. */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** The most bytes ever in use at once. */
  get peakBytes(): number {
    return this.peak;
  }
}

import type { BackendInfo } from '../engine';
import { WorkerPool } from '../../wasm/workerPool';

function simdBackend(threads: number): BackendInfo {
  return {
    name: 'simd',
    description: `Invertscope WebAssembly SIMD, ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
  };
}

/**
 * What the simd engines share around their worker pool: the backend they report, calls
 * that run one after another (a step must not overlap another step or a read of the
 * parameters), and a dispose that stops the pool's threads.
 */
export abstract class PooledEngine {
  backend: BackendInfo = simdBackend(1);
  private pool: WorkerPool | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly name: string) {}

  /** Starts the engine's worker pool: `threads` threads running taskModule's createPoolTask on `memory`. */
  async startPool(
    threads: number,
    memory: WebAssembly.Memory,
    controlOffset: number,
    taskModule: string,
    taskData: unknown,
  ): Promise<void> {
    const pool = await WorkerPool.create({ threads, memory, controlOffset, taskModule, taskData });
    this.pool = pool;
    this.backend = simdBackend(pool.threads);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool?.dispose();
    this.pool = undefined;
  }

  protected serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      if (this.disposed) throw new Error(`${this.name}: used after dispose()`);
      return operation();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  protected requirePool(): WorkerPool {
    if (!this.pool) throw new Error(`${this.name}: used after dispose()`);
    return this.pool;
  }
}

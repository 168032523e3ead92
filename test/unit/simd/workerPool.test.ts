import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WasmHeap } from '../../../src/core/wasm/heap';
import { createSharedMemory } from '../../../src/core/wasm/kernelModule';
import { CONTROL_BYTES, WorkerPool } from '../../../src/core/wasm/workerPool';
import { HOLD_SLOT, PROBE, type ProbeData } from './fixtures/poolProbeTask';

const probeModule = join(__dirname, 'fixtures', 'poolProbeTask.js');

async function createProbePool(threads: number, taskModule = probeModule) {
  const memory = createSharedMemory(1 << 16);
  const heap = new WasmHeap(memory);
  const controlOffset = heap.alloc(CONTROL_BYTES);
  const data: ProbeData = { slots: heap.alloc(64 * 4) };
  const pool = await WorkerPool.create({ threads, memory, controlOffset, taskModule, taskData: data });
  return { pool, slots: new Int32Array(memory.buffer, data.slots, 64) };
}

describe('WorkerPool', () => {
  for (const threads of [1, 2, 3]) {
    it(`runs the task once on each of ${threads} thread(s) per run, with a working barrier`, async () => {
      const { pool, slots } = await createProbePool(threads);
      try {
        for (let run = 1; run <= 50; run++) {
          pool.command[0] = PROBE.record;
          await pool.run();
          for (let t = 0; t < threads; t++) {
            assert.equal(slots[t], run, `thread ${t} runs`);
            assert.equal(slots[32 + t], run * threads, `thread ${t} saw every thread's write after the barrier`);
          }
        }
      } finally {
        pool.dispose();
      }
      await pool.closed;
      assert.equal(pool.liveWorkers, 0);
    });
  }

  it("rejects with the worker's error, wakes the threads at a barrier, and stays failed", async () => {
    const { pool } = await createProbePool(2);
    pool.command[0] = PROBE.throwError;
    await assert.rejects(pool.run(), /simd worker 1 failed: probe failure on purpose/);
    pool.command[0] = PROBE.record;
    await assert.rejects(pool.run(), /probe failure on purpose/);
    await pool.closed;
    assert.equal(pool.liveWorkers, 0);
    pool.dispose();
  });

  it('rejects instead of hanging when a worker exits during a run', async () => {
    const { pool } = await createProbePool(2);
    pool.command[0] = PROBE.exitWorker;
    await assert.rejects(pool.run(), /simd worker 1 exited unexpectedly \(exit code 7\)/);
    await pool.closed;
    assert.equal(pool.liveWorkers, 0);
    pool.dispose();
  });

  it('rejects a run in flight on dispose and terminates a blocked worker', async () => {
    const { pool } = await createProbePool(2);
    pool.command[0] = PROBE.block;
    const running = pool.run();
    pool.dispose();
    await assert.rejects(running, /disposed while a run was in flight/);
    await pool.closed;
    assert.equal(pool.liveWorkers, 0);
    await assert.rejects(pool.run(), /after dispose/);
  });

  it('rejects overlapping runs', { timeout: 20_000 }, async () => {
    const { pool, slots } = await createProbePool(2);
    try {
      // Held, because a quick run can complete before run() returns and would let a second start.
      pool.command[0] = PROBE.hold;
      const first = pool.run();
      await assert.rejects(pool.run(), /while another run is in flight/);
      Atomics.store(slots, HOLD_SLOT, 1);
      Atomics.notify(slots, HOLD_SLOT);
      await first;
    } finally {
      pool.dispose();
    }
  });

  it('fails to start with a clear error when the task module cannot be loaded, leaving no workers', async () => {
    await assert.rejects(
      createProbePool(2, join(__dirname, 'fixtures', 'missingTask.js')),
      /simd worker \d failed: Cannot find module/,
    );
    await assert.rejects(createProbePool(1, join(__dirname, 'fixtures', 'missingTask.js')), /Cannot find module/);
  });

  it('rejects a thread count outside 1..256', async () => {
    await assert.rejects(createProbePool(0), /threads must be an integer in 1\.\.256, got 0/);
    await assert.rejects(createProbePool(1.5), /got 1\.5/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFlowModule, loadFlowKernels } from '../../../src/core/wasm/flowKernels';
import { createSharedMemory } from '../../../src/core/wasm/kernelModule';

describe('the flow kernel module', () => {
  it('writes nothing into the memory it is given when instantiated, so instances can share one memory', () => {
    // AssemblyScript's Math functions bring lookup tables as data segments at low
    // addresses, where the TypeScript side puts its buffers: exp is written out instead.
    const memory = createSharedMemory(1 << 20);
    const bytes = new Uint8Array(memory.buffer);
    bytes.fill(0xab);
    loadFlowKernels(memory, compileFlowModule());
    assert.ok(
      bytes.every((b) => b === 0xab),
      'instantiation changed the memory',
    );
  });

  it('computes e^x within 2 float32 ulp over the range the flow uses', () => {
    const k = loadFlowKernels(createSharedMemory(1 << 16));
    let worst = 0;
    for (let x = -87; x <= 88; x += 0.0137) {
      const want = Math.exp(Math.fround(x));
      const got = k.expf(x);
      const ulp = 2 ** (Math.floor(Math.log2(want)) - 23);
      worst = Math.max(worst, Math.abs(got - want) / ulp);
    }
    assert.ok(worst <= 2, `worst error ${worst} ulp`);
    assert.equal(k.expf(0), 1);
    assert.equal(k.expf(-200), k.expf(-87), 'clamped below');
  });
});

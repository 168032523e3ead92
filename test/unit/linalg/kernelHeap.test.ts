import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KernelHeap } from '../../../src/core/linalg/kernelHeap';

function heap(): KernelHeap {
  return new KernelHeap(new WebAssembly.Memory({ initial: 1, maximum: 64 }), 1024);
}

describe('KernelHeap', () => {
  it('hands out 64-byte aligned regions that do not overlap', () => {
    const h = heap();
    const regions = [100, 1, 4096, 64, 70000].map((bytes) => ({ at: h.alloc(bytes), bytes }));
    for (const r of regions) assert.equal(r.at % 64, 0);
    const sorted = [...regions].sort((a, b) => a.at - b.at);
    for (let i = 1; i < sorted.length; i++)
      assert.ok(sorted[i].at >= sorted[i - 1].at + sorted[i - 1].bytes, 'regions overlap');
    assert.ok(
      h.memory.buffer.byteLength >= sorted[sorted.length - 1].at + 70000,
      'the memory grew to hold the last region',
    );
  });

  it('reuses freed space, merging neighbours, so alloc-free cycles stay flat', () => {
    const h = heap();
    const a = h.alloc(1000),
      b = h.alloc(1000),
      c = h.alloc(1000);
    h.release(b);
    h.release(a);
    // a and b merged: a region of 2048 bytes fits where they were.
    assert.equal(h.alloc(2000), a);
    h.release(a);
    h.release(c);
    const size = h.memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) {
      const x = h.alloc(30000),
        y = h.alloc(20000);
      h.release(x);
      h.release(y);
    }
    assert.equal(h.memory.buffer.byteLength, size > 65536 ? size : h.memory.buffer.byteLength);
    assert.equal(h.bytesInUse, 0);
    assert.ok(h.peakBytes <= 3 * 1024 + 30016 + 20032, `peak ${h.peakBytes}`);
  });

  it('refuses to free a region twice or one it did not give', () => {
    const h = heap();
    const a = h.alloc(10);
    h.release(a);
    assert.throws(() => h.release(a), RangeError);
    assert.throws(() => h.release(a + 64), RangeError);
    assert.throws(() => h.alloc(-1), RangeError);
  });
});

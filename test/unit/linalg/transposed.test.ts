import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { transposed } from '../../../src/core/linalg/transposed';

describe('transposed', () => {
  it('gives Aᵀ for shapes across and off the tile size', () => {
    for (const [m, n] of [
      [1, 1],
      [2, 3],
      [33, 31],
      [70, 65],
    ]) {
      const a = Float64Array.from({ length: m * n }, (_, k) => k * 1.5 - 7);
      const t = transposed(a, m, n);
      assert.equal(t.length, m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) assert.equal(t[j * m + i], a[i * n + j], `${m}×${n} at ${i},${j}`);
    }
  });

  it('refuses a matrix whose length does not match its shape', () => {
    assert.throws(() => transposed(new Float64Array(5), 2, 3), /transposed: a must hold 2×3 numbers, got 5/);
  });
});

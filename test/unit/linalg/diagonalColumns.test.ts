import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { divideColumns, multiplyColumns } from '../../../src/core/linalg/diagonalColumns';

describe('multiplyColumns and divideColumns', () => {
  const d = new Float64Array([3, 0.1, -7]);

  it('scale value j of every row by d[j], in place', () => {
    const rows = new Float64Array([1, 2, 3, 4, 5, 6]);
    assert.equal(multiplyColumns(rows, d), rows);
    assert.deepEqual([...rows], [3, 2 * 0.1, -21, 12, 5 * 0.1, -42]);
    assert.deepEqual([...divideColumns(new Float64Array([3, 1, -21, 12, 5, -42]), d)], [1, 1 / 0.1, 3, 4, 5 / 0.1, 6]);
  });

  it('round a float32 row once, as the float64 product stored to float32', () => {
    const rows = Float32Array.from([0.3, 1.7, 2.9, -0.6, 5.5, 1e-3]);
    const expected = Float32Array.from(rows, (v, i) => v * d[i % 3]);
    assert.deepEqual(multiplyColumns(rows, d), expected);
    const back = Float32Array.from(expected);
    assert.deepEqual(
      divideColumns(back, d),
      Float32Array.from(expected, (v, i) => v / d[i % 3]),
    );
  });

  it('leave an empty batch empty', () => {
    assert.equal(multiplyColumns(new Float64Array(0), d).length, 0);
  });
});

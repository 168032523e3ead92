import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rowChunks } from '../../../src/core/linalg/rowChunks';

const sizes = (chunks: Array<[number, number]>) => chunks.map(([a, b]) => b - a);

describe('rowChunks', () => {
  it('gives each of two threads half of 100 rows rather than 64 and 36', () => {
    assert.deepEqual(rowChunks(100, 2, 32, 256), [
      [0, 50],
      [50, 100],
    ]);
  });

  it('covers every row once, in order, with sizes that differ by at most one', () => {
    for (const count of [1, 7, 31, 50, 99, 300, 784, 1000, 4001]) {
      for (const threads of [1, 2, 3, 8]) {
        const chunks = rowChunks(count, threads, 32, 256);
        assert.equal(chunks[0][0], 0);
        assert.equal(chunks[chunks.length - 1][1], count);
        chunks.forEach(([, end], i) => i + 1 < chunks.length && assert.equal(end, chunks[i + 1][0]));
        const s = sizes(chunks);
        assert.ok(Math.max(...s) - Math.min(...s) <= 1, `${count} rows, ${threads} threads: ${s}`);
        assert.ok(Math.max(...s) <= 256, `${count} rows, ${threads} threads: ${s}`);
        assert.ok(
          chunks.length === 1 || chunks.length % threads === 0,
          `${count} rows, ${threads} threads: ${chunks.length} chunks`,
        );
      }
    }
  });

  it('keeps a few rows together on the calling thread, and gives nothing for none', () => {
    assert.deepEqual(rowChunks(10, 2, 32, 256), [[0, 10]]);
    assert.deepEqual(rowChunks(0, 2, 32, 256), []);
  });

  it('splits into more chunks per thread when a chunk would pass maxRows', () => {
    assert.deepEqual(sizes(rowChunks(1000, 2, 32, 256)), [125, 125, 125, 125, 125, 125, 125, 125]);
    assert.equal(rowChunks(4000, 2, 32, Number.POSITIVE_INFINITY, 2).length, 4);
  });
});

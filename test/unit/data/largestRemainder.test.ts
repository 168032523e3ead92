import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { largestRemainder } from '../../../src/core/data/largestRemainder';
import { createRng } from '../../../src/core/random/rng';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('largestRemainder', () => {
  it('gives leftover units to the largest remainders, ties to the lower index', () => {
    assert.deepEqual(largestRemainder(10, [1, 1, 1]), [4, 3, 3]);
    // Quotas 2567.49, 2890.67, 2541.84 (by hand): the two larger remainders round up.
    assert.deepEqual(largestRemainder(8000, [1001, 1127, 991]), [2567, 2891, 2542]);
    assert.deepEqual(largestRemainder(2, [1, 1, 1, 1]), [1, 1, 0, 0]);
  });

  it('sums exactly to the total and keeps every part within one of its quota', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const weights = Array.from({ length: 1 + rng.int(12) }, () => rng.int(2000));
      if (sum(weights) === 0) weights[0] = 1;
      const total = rng.int(20_000);
      const parts = largestRemainder(total, weights);
      assert.equal(sum(parts), total);
      parts.forEach((p, i) => {
        const quota = (total * weights[i]) / sum(weights);
        assert.ok(p >= Math.floor(quota) && p <= Math.ceil(quota), `part ${i} = ${p}, quota ${quota}`);
      });
    }
  });

  it('never exceeds a cap, passing the unit to the next bucket', () => {
    assert.deepEqual(largestRemainder(5, [3, 1], [2, 10]), [2, 3]);
    assert.deepEqual(largestRemainder(7, [1, 1, 1], [1, 1, 5]), [1, 1, 5]);
  });

  it('gives nothing to a bucket of weight zero', () => {
    assert.deepEqual(largestRemainder(5, [0, 2, 3]), [0, 2, 3]);
    assert.deepEqual(largestRemainder(0, [4, 5]), [0, 0]);
  });

  it('rejects impossible or malformed requests, naming the value', () => {
    assert.throws(() => largestRemainder(-1, [1]), /total must be a non-negative integer, got -1/);
    assert.throws(() => largestRemainder(2.5, [1]), /got 2.5/);
    assert.throws(() => largestRemainder(3, [1, Number.NaN]), /weights\[1\] must be a non-negative integer, got NaN/);
    assert.throws(() => largestRemainder(3, [0, 0]), /weights that sum to 0/);
    assert.throws(() => largestRemainder(9, [1, 1], [4, 4]), /9 units do not fit in caps that allow only 8/);
    assert.throws(() => largestRemainder(3, [1, 1], [4]), /caps has 1 entries but weights has 2/);
  });
});

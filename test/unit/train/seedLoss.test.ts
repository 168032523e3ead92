import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedLossParts } from '../../../src/core/train/seedLoss';

// Values worked out by hand; ln(2π) = 1.8378770664093453.
describe("seedLossParts (the paper's loss, per sample)", () => {
  it('y = [1, 2, 3], a = 1: ½·(1 + 0 + 1) + (3/2)·ln 2π, and Var = 2/2 = 1 gives no penalty', () => {
    const [nll, penalty] = seedLossParts([1, 2, 3], 1);
    assert.ok(Math.abs(nll - (1 + 1.5 * 1.8378770664093453)) < 1e-12, `nll ${nll}`);
    assert.equal(penalty, 0);
  });

  it('y = [0, 0, 0, 4], a = 0: ½·16 + 2·ln 2π, and the unbiased Var = 12/3 = 4 gives (4 − 1)² = 9', () => {
    const [nll, penalty] = seedLossParts([0, 0, 0, 4], 0);
    assert.ok(Math.abs(nll - (8 + 2 * 1.8378770664093453)) < 1e-12, `nll ${nll}`);
    assert.ok(Math.abs(penalty - 9) < 1e-12, `penalty ${penalty}`);
  });

  it('reads one row of a batch at an offset', () => {
    const batch = [9, 9, 1, 2, 3, 9];
    assert.deepEqual(seedLossParts(batch, 1, 2, 3), seedLossParts([1, 2, 3], 1));
  });

  it('a constant output, as a collapsed network gives, pays exactly (0 − 1)² = 1', () => {
    assert.equal(seedLossParts([4, 4, 4, 4], 2)[1], 1);
  });
});

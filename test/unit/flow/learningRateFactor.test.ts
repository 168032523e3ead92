import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateFactor } from '../../../src/core/train/flow/learningRateFactor';

describe('learning-rate factor', () => {
  it('rises linearly over the warm-up and then stays at 1 without a decay', () => {
    assert.equal(learningRateFactor(1, 4), 0.25);
    assert.equal(learningRateFactor(4, 4), 1);
    assert.equal(learningRateFactor(1000, 4), 1);
    assert.equal(learningRateFactor(7, 0), 1);
  });

  it('decays along a cosine from 1 at the first step to 0 after the last', () => {
    assert.equal(learningRateFactor(1, 0, 10), 1);
    assert.ok(Math.abs(learningRateFactor(6, 0, 10) - 0.5) < 1e-12);
    assert.ok(Math.abs(learningRateFactor(11, 0, 10)) < 1e-12);
    assert.ok(Math.abs(learningRateFactor(50, 0, 10)) < 1e-12);
    assert.ok(Math.abs(learningRateFactor(2, 4, 10) - 0.5 * 0.5 * (1 + Math.cos(Math.PI / 10))) < 1e-12);
  });
});

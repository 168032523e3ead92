import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bitsPerDim, UNIFORM_BITS_PER_DIM } from '../../../src/core/train/flow/bitsPerDim';
import { dequantizeInto } from '../../../src/core/train/flow/dequantize';
import { createRng } from '../../../src/core/random/rng';

/** −log density on [0, 1]^d of a per-pixel histogram model: density 256·p_k on bin k. */
function histogramNll(x: Float32Array, p: (j: number, k: number) => number, d: number): number {
  let nll = 0;
  for (let j = 0; j < d; j++) nll -= Math.log(256 * p(j, Math.floor(x[j] * 256)));
  return nll;
}

describe('bits per dimension', () => {
  it('scores the uniform density on [0, 1]^784 at exactly 8', () => {
    // Uniform: every bin gets p = 1/256, so the density is 1 everywhere and the NLL 0.
    const rng = createRng(1);
    const image = Float32Array.from({ length: 784 }, () => rng.int(256) / 255);
    const x = dequantizeInto(image, 1, 784, rng, new Float32Array(784));
    const nll = histogramNll(x, () => 1 / 256, 784);
    assert.equal(nll, 0);
    assert.equal(bitsPerDim(nll), 8);
    assert.equal(UNIFORM_BITS_PER_DIM, 8);
  });

  it('scores 0 for a density that knows every pixel level and 4 for one that halves the levels', () => {
    assert.ok(Math.abs(bitsPerDim(-784 * Math.log(256))) < 1e-12);
    // 16 equally likely levels per pixel: density 16 on each of them.
    assert.ok(Math.abs(bitsPerDim(-784 * Math.log(16)) - 4) < 1e-12);
  });

  it('counts the Jacobian of a rescaled input: uniform on [0, 256]^784 in pixel units is still 8', () => {
    const nllPixelUnits = 784 * Math.log(256);
    assert.ok(Math.abs(bitsPerDim(nllPixelUnits, 784, 256) - 8) < 1e-12);
    assert.ok(Math.abs(bitsPerDim(nllPixelUnits, 784, 1) - 16) < 1e-12);
  });

  it('works for other dimensions and rejects nonsense', () => {
    assert.equal(bitsPerDim(0, 12), 8);
    assert.throws(() => bitsPerDim(0, 0), /dims must be a positive integer/);
    assert.throws(() => bitsPerDim(0, 784, -1), /inputScale must be positive/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '../../../src/core/random/rng';
import { dequantizeInto, evaluationNoise, pixelLevel, trainingNoise } from '../../../src/core/train/flow/dequantize';

describe('dequantization', () => {
  it('recovers the pixel level k from the stored k/255 rounded to three decimals', () => {
    for (let k = 0; k < 256; k++) {
      const stored = Math.round((k / 255) * 1000) / 1000;
      assert.equal(pixelLevel(Math.fround(stored)), k);
    }
  });

  it("keeps every dequantized value inside its level's bin [k/256, (k+1)/256)", () => {
    const levels = Float32Array.from({ length: 256 * 40 }, (_, i) => Math.round(((i % 256) / 255) * 1000) / 1000);
    const out = dequantizeInto(levels, 40, 256, createRng(3), new Float32Array(levels.length));
    out.forEach((v, i) => assert.equal(Math.floor(v * 256), i % 256, `value ${v} left bin ${i % 256}`));
  });

  it('stays in the bin when u is as close to 1 as the generator allows', () => {
    const almostOne: Rng = {
      uniform: () => 1 - 2 ** -32,
      normal: () => 0,
      int: () => 0,
      fork: () => almostOne,
      shuffle: (x) => x,
      seed: 0,
    };
    const levels = Float32Array.from({ length: 256 }, (_, k) => k / 255);
    const out = dequantizeInto(levels, 1, 256, almostOne, new Float32Array(256));
    out.forEach((v, k) => {
      assert.equal(Math.floor(v * 256), k);
      assert.ok(v < (k + 1) / 256 && v > (k + 0.99) / 256);
    });
  });

  it('spreads the noise uniformly over the bin (mean ½, variance 1/12 of a level)', () => {
    const zeros = new Float32Array(20000);
    const out = dequantizeInto(zeros, 1, zeros.length, createRng(4), new Float32Array(zeros.length));
    const u = Array.from(out, (v) => v * 256);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / u.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.005, `variance ${variance}`);
  });

  it('draws training noise from the seed and step alone, and evaluation noise from the batch', () => {
    assert.equal(trainingNoise(5, 17).uniform(), trainingNoise(5, 17).uniform());
    assert.notEqual(trainingNoise(5, 17).uniform(), trainingNoise(5, 18).uniform());
    const a = Float32Array.from([0, 1, 0.5, 0.2]);
    const b = Float32Array.from([0, 1, 0.5, 0.204]);
    const labels = Uint8Array.from([1, 2]);
    assert.equal(evaluationNoise(0, a, labels, 2, 2).uniform(), evaluationNoise(0, a, labels, 2, 2).uniform());
    assert.notEqual(evaluationNoise(0, a, labels, 2, 2).uniform(), evaluationNoise(0, b, labels, 2, 2).uniform());
  });
});

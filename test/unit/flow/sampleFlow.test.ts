import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { flowForward } from '../../../src/core/train/flow/flowForward';
import { classPriorFromPaper, PAPER_PRIOR } from '../../../src/core/train/flow/flowPrior';
import { sampleFlow } from '../../../src/core/train/flow/sampleFlow';
import { WIDTH, randomFlow, smallArchitecture } from './flowFixtures';

const arch = smallArchitecture(3, true, 0.3);
const model = { architecture: arch, ...randomFlow(arch, 21), prior: PAPER_PRIOR };
const n = WIDTH;

describe('sampling', () => {
  it('is deterministic under a seed and changes with it', () => {
    const a = sampleFlow(model, [0, 3, 9], 0.7, createRng(5));
    const b = sampleFlow(model, [0, 3, 9], 0.7, createRng(5));
    const c = sampleFlow(model, [0, 3, 9], 0.7, createRng(6));
    assert.deepEqual(a.images, b.images);
    assert.notDeepEqual(a.images, c.images);
  });

  it('returns images that the forward pass maps back onto the drawn latents', () => {
    const { latents, images } = sampleFlow(model, [1, 4, 7, 2], 1, createRng(7));
    const { z } = flowForward(model, images, 4);
    z.forEach((v, k) =>
      assert.ok(Math.abs(v - latents[k]) < 1e-9 * (1 + Math.abs(v)), `latent ${k}: ${v} vs ${latents[k]}`),
    );
  });

  it('draws latents from N(μ_a, T²σ_a²)', () => {
    const prior = classPriorFromPaper(10, n);
    if (prior.kind !== 'class') throw new Error('expected a class prior');
    prior.mean.fill(3, 5 * n, 6 * n);
    prior.logStd.fill(Math.log(2), 5 * n, 6 * n);
    const labels = new Array(2000).fill(5);
    const { latents } = sampleFlow({ ...model, prior }, labels, 0.5, createRng(8));
    const mean = latents.reduce((s, v) => s + v, 0) / latents.length;
    const sd = Math.sqrt(latents.reduce((s, v) => s + (v - mean) ** 2, 0) / latents.length);
    assert.ok(Math.abs(mean - 3) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(sd - 1) < 0.02, `sd ${sd}`);
    const cold = sampleFlow({ ...model, prior }, [5], 0, createRng(9));
    cold.latents.forEach((v) => assert.equal(v, 3));
  });

  it('rejects a negative temperature and a label outside the prior', () => {
    assert.throws(() => sampleFlow(model, [1], -1, createRng(1)), /temperature must be a finite number ≥ 0/);
    assert.throws(
      () => sampleFlow({ ...model, prior: classPriorFromPaper(3, n) }, [3], 1, createRng(1)),
      /labels\[0\] = 3 is not a class/,
    );
  });
});

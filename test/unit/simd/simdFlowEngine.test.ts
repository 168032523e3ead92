import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { isInvertscopeError } from '../../../src/core/errors';
import { ADAM } from '../../../src/core/train/engine';
import { assembleLu } from '../../../src/core/train/flow/assembleLu';
import { dequantizeInto, evaluationNoise, trainingNoise } from '../../../src/core/train/flow/dequantize';
import type { FlowEngineOptions, FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { classPriorFromPaper, type FlowPrior } from '../../../src/core/train/flow/flowPrior';
import type { LuLayer } from '../../../src/core/train/flow/luLayer';
import { createSimdEngine } from '../../../src/core/train/simd/simdEngine';
import {
  flowReferenceState,
  referenceFlowGradients,
  referenceFlowLoss,
  referenceFlowTrainStep,
} from '../../helpers/referenceFlowTraining';
import { randomBatch, randomFlow, randomLuLayer, smallArchitecture } from '../flow/flowFixtures';

const lr = 1e-2;
const tau = 0.1;
const warmupSteps = 3;
const cosineSteps = 6;

function learnedPrior(n: number, seed = 40): Extract<FlowPrior, { kind: 'class' }> {
  const rng = createRng(seed);
  const prior = classPriorFromPaper(10, n);
  if (prior.kind !== 'class') throw new Error('expected a class prior');
  prior.mean.forEach((_, k) => {
    prior.mean[k] = 2 * rng.normal();
    prior.logStd[k] = 0.2 * rng.normal();
  });
  return prior;
}

/** A random flow whose products stay moderate at any width: off-diagonal factors scaled by 1/√n. */
function moderateFlow(arch: Architecture, seed: number): { layers: LuLayer[]; biases: Float32Array[] } {
  const n = arch.width;
  const rng = createRng(seed);
  const layers = arch.layers.map(() => {
    const layer = randomLuLayer(n, rng);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) layer.packed[i * n + j] *= 3 / Math.sqrt(n);
    return layer;
  });
  const biases = arch.layers.map(() => Float32Array.from({ length: n }, () => (rng.uniform() - 0.5) * 0.4));
  return { layers, biases };
}

interface Setup {
  readonly arch: Architecture;
  readonly prior: FlowPrior;
  readonly layers: LuLayer[];
  readonly biases: Float32Array[];
  readonly maxBatch: number;
  readonly seed?: number;
}

function flowOptions(s: Setup): FlowEngineOptions {
  return {
    prior: s.prior.kind,
    initialLayers: s.layers,
    ...(s.prior.kind === 'class' ? { initialPrior: s.prior } : {}),
    dequantize: true,
    seed: s.seed ?? 3,
    boundarySurrogate: tau,
    warmupSteps,
    cosineSteps,
  };
}

async function engineFor(s: Setup, threads: number): Promise<FlowTrainingEngine> {
  return (await createSimdEngine(
    {
      architecture: s.arch,
      objective: 'flow',
      learningRate: lr,
      maxBatchSize: s.maxBatch,
      initialParams: { weights: [], biases: s.biases },
      flow: flowOptions(s),
    },
    threads,
  )) as FlowTrainingEngine;
}

function worstDifference(got: readonly ArrayLike<number>[], want: readonly ArrayLike<number>[]): number {
  let worst = 0;
  got.forEach((g, k) => {
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[k][i]));
  });
  return worst;
}

const narrow: Array<{ name: string; setup: () => Setup }> = [
  {
    name: 'paper prior, LeakyReLU(0.1) after every layer',
    setup: () => ({
      arch: smallArchitecture(3, true, 0.1),
      prior: { kind: 'paper' },
      ...randomFlow(smallArchitecture(3, true, 0.1), 41),
      maxBatch: 8,
    }),
  },
  {
    name: 'learned prior, LeakyReLU(0.2), none after the last layer',
    setup: () => ({
      arch: smallArchitecture(4, false, 0.2),
      prior: learnedPrior(12),
      ...randomFlow(smallArchitecture(4, false, 0.2), 42),
      maxBatch: 8,
    }),
  },
];

describe('simd flow engine', () => {
  for (const { name, setup } of narrow) {
    for (const threads of [1, 2]) {
      it(`matches the float64 reference (loss, parts, Adam with warm-up and cosine decay) over five dequantized steps: ${name}, ${threads} thread(s)`, async () => {
        const s = setup();
        const n = s.arch.width;
        const engine = await engineFor(s, threads);
        const ref = flowReferenceState(s.layers, s.biases, s.prior.kind === 'class' ? s.prior : null);
        try {
          for (let step = 0; step < 5; step++) {
            // 7 of 8 samples: the last panel is partial.
            const { images, labels } = randomBatch(50 + step, 7);
            const x = dequantizeInto(images, 7, n, trainingNoise(3, step), new Float32Array(7 * n));
            const got = await engine.trainStep(images, labels, 7);
            const want = referenceFlowTrainStep(
              s.arch,
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
              Math.abs(got.loss - want.loss) <= 1e-6 * Math.abs(want.loss),
              `step ${step}: loss ${got.loss} vs ${want.loss}`,
            );
            assert.ok(
              Math.abs(got.parts[0] - want.parts[0]) <= 1e-6 * Math.abs(want.parts[0]),
              `step ${step}: latent ${got.parts[0]} vs ${want.parts[0]}`,
            );
            assert.ok(
              Math.abs(got.parts[1] - want.parts[1]) <= 1e-6 * (1 + Math.abs(want.parts[1])),
              `step ${step}: -logdet ${got.parts[1]} vs ${want.parts[1]}`,
            );
          }
          const state = await engine.getFlowState();
          const got = [...state.layers.map((l) => l.packed), ...state.biases];
          const want = [...ref.packed, ...ref.biases];
          if (state.prior.kind === 'class' && ref.prior) {
            got.push(state.prior.mean, state.prior.logStd);
            want.push(ref.prior.mean, ref.prior.logStd);
          }
          const worst = worstDifference(got, want);
          assert.ok(worst < 2e-6, `parameters differ from the reference by ${worst}`);
          assert.equal((await engine.getOptimizerState()).step, 5);
        } finally {
          engine.dispose();
        }
      });
    }
  }

  for (const prior of ['paper', 'class'] as const) {
    it(`computes the float64 reference's gradients at width 784 (four layers, ${prior} prior, 9 samples: a full and a partial panel)`, async () => {
      const arch = customArchitecture({
        depth: 4,
        activation: true,
        width: 784,
        negativeSlope: 0.01,
        parametrization: 'lu',
      });
      const n = arch.width;
      const s: Setup = {
        arch,
        prior: prior === 'class' ? learnedPrior(n, 43) : { kind: 'paper' },
        ...moderateFlow(arch, 44),
        maxBatch: 16,
      };
      const engine = await engineFor(s, 2);
      try {
        const { images, labels } = randomBatch(45, 9, n);
        await engine.trainStep(images, labels, 9);
        // After one step from zero moments, Adam's first moment is (1 − β1)·g.
        const moments = await engine.getOptimizerState();
        const state = await engine.getFlowState();
        const got = [...moments.firstMoment.weights, ...moments.firstMoment.biases];
        if (state.priorMoments) got.push(state.priorMoments.first.mean, state.priorMoments.first.logStd);
        const x = dequantizeInto(images, 9, n, trainingNoise(3, 0), new Float32Array(9 * n));
        const ref = flowReferenceState(s.layers, s.biases, s.prior.kind === 'class' ? s.prior : null);
        const want = referenceFlowGradients(arch, ref, Float64Array.from(x), labels, 9, tau);
        assert.equal(got.length, want.length);
        want.forEach((g, k) => {
          let scale = 0;
          for (const v of g) scale = Math.max(scale, Math.abs(v));
          let worst = 0;
          for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(got[k][i] / (1 - ADAM.beta1) - g[i]));
          // Float32 products of length ≤ 784 through four layers: typical error √K·u ≈ 2e-6 of the scale.
          assert.ok(worst <= 2e-5 * scale, `gradient tensor ${k}: off by ${worst} (largest gradient ${scale})`);
        });
      } finally {
        engine.dispose();
      }
    });
  }

  it('gives bit-identical losses, factors and moments on 1, 2 and 3 threads, partial batches included', async () => {
    const arch = customArchitecture({
      depth: 3,
      activation: true,
      activateLast: false,
      width: 53,
      negativeSlope: 0.2,
      parametrization: 'lu',
    });
    const s: Setup = { arch, prior: learnedPrior(53), ...moderateFlow(arch, 46), maxBatch: 20 };
    const trace = async (threads: number) => {
      const engine = await engineFor(s, threads);
      try {
        const losses = [];
        for (const [i, count] of [20, 13, 1, 20].entries()) {
          const { images, labels } = randomBatch(60 + i, count, 53);
          losses.push(await engine.trainStep(images, labels, count));
        }
        return { losses, state: await engine.getFlowState(), moments: await engine.getOptimizerState() };
      } finally {
        engine.dispose();
      }
    };
    const one = await trace(1);
    for (const threads of [2, 3]) assert.deepEqual(await trace(threads), one, `${threads} threads differ from 1`);
  });

  it('evaluates the exact loss on deterministically dequantized batches without changing anything', async () => {
    const s = narrow[1].setup();
    const engine = await engineFor({ ...s, seed: 9 }, 2);
    const ref = flowReferenceState(s.layers, s.biases, s.prior.kind === 'class' ? s.prior : null);
    try {
      const { images, labels } = randomBatch(60, 8);
      const first = await engine.evaluate(images, labels, 8);
      const again = await engine.evaluate(images, labels, 8);
      assert.deepEqual(again, first);
      assert.equal((await engine.getOptimizerState()).step, 0);
      const x = dequantizeInto(images, 8, 12, evaluationNoise(9, images, labels, 8, 12), new Float32Array(8 * 12));
      const want = referenceFlowLoss(s.arch, ref, Float64Array.from(x), labels, 8);
      assert.ok(Math.abs(first.loss - want.loss) <= 1e-6 * Math.abs(want.loss), `${first.loss} vs ${want.loss}`);
      assert.deepEqual((await engine.getFlowState()).layers, s.layers);
    } finally {
      engine.dispose();
    }
  });

  it('returns the assembled W = P·L·U as its parameters', async () => {
    const s = narrow[0].setup();
    const engine = await engineFor(s, 2);
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
    const s = narrow[1].setup();
    const straight = await engineFor(s, 2);
    const first = await engineFor(s, 2);
    const b1 = randomBatch(62, 8),
      b2 = randomBatch(63, 8);
    await straight.trainStep(b1.images, b1.labels, 8);
    await first.trainStep(b1.images, b1.labels, 8);
    const saved = await first.getFlowState();
    const resumed = (await createSimdEngine(
      {
        architecture: s.arch,
        objective: 'flow',
        learningRate: lr,
        maxBatchSize: 8,
        initialParams: { weights: [], biases: saved.biases },
        initialOptimizerState: await first.getOptimizerState(),
        flow: {
          ...flowOptions(s),
          initialLayers: saved.layers,
          initialPrior: saved.prior,
          initialPriorMoments: saved.priorMoments,
        },
      },
      1,
    )) as FlowTrainingEngine;
    try {
      const a = await straight.trainStep(b2.images, b2.labels, 8);
      const b = await resumed.trainStep(b2.images, b2.labels, 8);
      assert.deepEqual(b, a);
      assert.deepEqual(await resumed.getFlowState(), await straight.getFlowState());
      assert.deepEqual(await resumed.getOptimizerState(), await straight.getOptimizerState());
    } finally {
      for (const e of [straight, first, resumed]) e.dispose();
    }
  });

  it('starts from dense weights by factorizing them when no LU layers are given', async () => {
    const arch = smallArchitecture(2, true, 0.1);
    const params = initParams(arch, createRng(43));
    const engine = (await createSimdEngine({
      architecture: arch,
      objective: 'flow',
      learningRate: lr,
      maxBatchSize: 4,
      initialParams: params,
    })) as FlowTrainingEngine;
    try {
      const got = await engine.getParams();
      got.weights.forEach((w, l) => w.forEach((v, i) => assert.ok(Math.abs(v - params.weights[l][i]) < 1e-5)));
    } finally {
      engine.dispose();
    }
  });

  it('refuses diagonal or frozen layers, which only the tfjs flow engine keeps so, rather than training them in full', async () => {
    const arch = smallArchitecture(2, true, 0.1);
    const params = initParams(arch, createRng(44));
    for (const flow of [{ diagonalLayers: [0] }, { frozenLayers: [1] }]) {
      await assert.rejects(
        createSimdEngine({
          architecture: arch,
          objective: 'flow',
          learningRate: lr,
          maxBatchSize: 4,
          initialParams: params,
          flow: { prior: 'paper', dequantize: true, seed: 1, boundarySurrogate: tau, ...flow },
        }),
        /diagonal or frozen layers \(the 'gaussianize' init\) need the tfjs flow engine/,
      );
    }
  });

  it('refuses dense layers, a label the prior has no row for, bad counts, and use after dispose', async () => {
    const dense = customArchitecture({ depth: 2, activation: true, width: 12 });
    await assert.rejects(
      createSimdEngine({
        architecture: dense,
        objective: 'flow',
        learningRate: lr,
        maxBatchSize: 4,
        initialParams: initParams(dense, createRng(1)),
      }),
      (e: unknown) =>
        isInvertscopeError(e, 'BAD_INPUT') && /needs parametrization 'lu', got 'dense'/.test((e as Error).message),
    );
    const s = narrow[1].setup();
    const engine = await engineFor(s, 2);
    const { images } = randomBatch(64, 2);
    try {
      await assert.rejects(
        engine.trainStep(images, Uint8Array.from([1, 10]), 2),
        /label 10 at row 1 is outside 0\.\.9/,
      );
      await assert.rejects(
        engine.trainStep(images, Uint8Array.from([1, 1]), 9),
        /count must be an integer in 1\.\.8 \(maxBatchSize\), got 9/,
      );
    } finally {
      engine.dispose();
    }
    await assert.rejects(engine.evaluate(images, Uint8Array.from([1, 1]), 2), /used after dispose/);
  });
});

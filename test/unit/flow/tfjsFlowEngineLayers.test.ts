import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import type { FlowEngineOptions, FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { classPriorFromPaper } from '../../../src/core/train/flow/flowPrior';
import { diagonalLuLayer, type LuLayer } from '../../../src/core/train/flow/luLayer';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';
import { WIDTH, randomBatch, randomFlow, smallArchitecture } from './flowFixtures';

const n = WIDTH;
const arch = smallArchitecture(4, false, 0.5);

/** Layers 0 and 2 diagonal, 1 and 3 dense (random LU). */
function mixedFlow() {
  const { layers, biases } = randomFlow(arch, 81);
  const rng = createRng(82);
  const diag = (): LuLayer =>
    diagonalLuLayer(
      Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(rng.uniform() - 0.5)),
    );
  return { layers: [diag(), layers[1], diag(), layers[3]], biases };
}

async function engine(flowExtra: Partial<FlowEngineOptions>) {
  const { layers, biases } = mixedFlow();
  const prior = classPriorFromPaper(10, n);
  const flow: FlowEngineOptions = {
    prior: 'class',
    initialLayers: layers,
    initialPrior: prior,
    dequantize: true,
    seed: 4,
    boundarySurrogate: 0.1,
    warmupSteps: 0,
    ...flowExtra,
  };
  return (await createTfjsEngine(
    {
      architecture: arch,
      objective: 'flow',
      learningRate: 1e-2,
      maxBatchSize: 8,
      initialParams: { weights: [], biases },
      flow,
    },
    await loadTfjs('cpu'),
  )) as FlowTrainingEngine;
}

const offDiagonal = (layer: LuLayer) => layer.packed.filter((_, k) => k % (n + 1) !== 0);

describe('tfjs flow engine: diagonal and frozen layers', () => {
  it('computes the same loss with diagonal layers applied elementwise as with their full LU form', async () => {
    const plain = await engine({});
    const diagonal = await engine({ diagonalLayers: [0, 2] });
    try {
      const { images, labels } = randomBatch(83, 8);
      const a = await plain.evaluate(images, labels, 8);
      const b = await diagonal.evaluate(images, labels, 8);
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * Math.abs(a.loss), `${a.loss} vs ${b.loss}`);
    } finally {
      plain.dispose();
      diagonal.dispose();
    }
  });

  it('takes the first step the full LU form takes on the diagonals and biases, and keeps the diagonal layers diagonal', async () => {
    const plain = await engine({});
    const diagonal = await engine({ diagonalLayers: [0, 2] });
    try {
      const { images, labels } = randomBatch(84, 8);
      const a = await plain.trainStep(images, labels, 8);
      const b = await diagonal.trainStep(images, labels, 8);
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * Math.abs(a.loss));
      const full = await plain.getFlowState();
      const diag = await diagonal.getFlowState();
      for (const l of [0, 2]) {
        for (let i = 0; i < n; i++)
          assert.ok(
            Math.abs(full.layers[l].packed[i * n + i] - diag.layers[l].packed[i * n + i]) < 1e-6,
            `layer ${l} s[${i}]`,
          );
        diag.biases[l].forEach((v, i) => assert.ok(Math.abs(v - full.biases[l][i]) < 1e-6, `layer ${l} bias[${i}]`));
        assert.ok(
          offDiagonal(full.layers[l]).some((v) => v !== 0),
          'the full form moves the off-diagonal factors',
        );
        assert.ok(
          offDiagonal(diag.layers[l]).every((v) => v === 0),
          'a diagonal layer stays diagonal',
        );
      }
      const moments = await diagonal.getOptimizerState();
      assert.equal(moments.firstMoment.weights[0].length, n * n, 'moments come back in the packed layout');
      assert.ok(offDiagonal({ ...diag.layers[0], packed: moments.secondMoment.weights[0] }).every((v) => v === 0));
    } finally {
      plain.dispose();
      diagonal.dispose();
    }
  });

  it('leaves frozen layers exactly as they started and trains the others', async () => {
    const { layers, biases } = mixedFlow();
    const e = await engine({ diagonalLayers: [0, 2], frozenLayers: [0, 1] });
    try {
      for (let s = 0; s < 3; s++) {
        const { images, labels } = randomBatch(85 + s, 8);
        await e.trainStep(images, labels, 8);
      }
      const state = await e.getFlowState();
      assert.deepEqual(state.layers[0].packed, layers[0].packed);
      assert.deepEqual(state.layers[1].packed, layers[1].packed);
      assert.deepEqual(state.biases[0], biases[0]);
      assert.deepEqual(state.biases[1], biases[1]);
      assert.notDeepEqual(state.layers[2].packed, layers[2].packed);
      assert.notDeepEqual(state.layers[3].packed, layers[3].packed);
    } finally {
      e.dispose();
    }
  });

  it('refuses a diagonal layer that is not diagonal, and layer indices out of range', async () => {
    await assert.rejects(engine({ diagonalLayers: [1] }), /flow engine layer 1: a diagonal layer/);
    await assert.rejects(engine({ frozenLayers: [4] }), /frozenLayers holds 4, not a layer index in 0..3/);
  });
});

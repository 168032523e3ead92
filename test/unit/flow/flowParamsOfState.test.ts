import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelParams } from '../../../src/core/model/params';
import type { FlowTrainingEngine } from '../../../src/core/train/flow/flowEngineTypes';
import { flowParams } from '../../../src/core/train/flow/flowParams';
import { loadTfjs } from '../../../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../../../src/core/train/tfjs/tfjsEngine';
import { randomBatch, randomFlow, smallArchitecture } from './flowFixtures';

const bytes = (p: ModelParams) =>
  [...p.weights, ...p.biases].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));

// The training job writes flowParams(getFlowState()) where it once wrote getParams(); checkpoints stay the same only if the two agree to the bit.
describe('flowParams of a tfjs flow engine’s state', () => {
  it('is getParams() byte for byte, before and after training steps', async () => {
    const arch = smallArchitecture(3, true, 0.1);
    const { layers, biases } = randomFlow(arch, 7);
    const engine = (await createTfjsEngine(
      {
        architecture: arch,
        objective: 'flow',
        learningRate: 1e-2,
        maxBatchSize: 8,
        initialParams: { weights: [], biases },
        flow: { prior: 'paper', initialLayers: layers, dequantize: true, seed: 5, boundarySurrogate: 0.1 },
      },
      await loadTfjs('cpu'),
    )) as FlowTrainingEngine;
    try {
      for (let s = 0; s < 3; s++) {
        assert.deepEqual(
          bytes(flowParams(await engine.getFlowState())),
          bytes(await engine.getParams()),
          `after ${s} steps`,
        );
        const { images, labels } = randomBatch(20 + s, 8);
        await engine.trainStep(images, labels, 8);
      }
    } finally {
      engine.dispose();
    }
  });
});

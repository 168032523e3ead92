import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTraining } from '../../../src/backend/trainingClient';
import { recordAbnormalEnd } from '../../../src/backend/recordAbnormalEnd';
import type { FromTrainer } from '../../../src/backend/protocol';
import { customArchitecture, presetArchitecture } from '../../../src/core/model/architecture';
import { loadResumePoint } from '../../../src/core/jobs/resumePoint';
import { readCheckpoint } from '../../../src/core/store/checkpoint';
import { RunStore } from '../../../src/core/store/runStore';
import type { EpochMetric } from '../../../src/core/store/runTypes';
import { bitsPerDim } from '../../../src/core/train/flow/bitsPerDim';
import { quickConfig } from '../../helpers/trainConfig';
import { withTempFolder } from '../../helpers/tempFolder';

const withRunsFolder = (body: (folder: string) => Promise<void>) => withTempFolder('flow-runs', body);

const options = { recordAbnormalEnd };

/** The Base shape as a class-prior flow from the analytic init: every array the flow sidecar can hold is in play. */
function flowConfig(trainCount = 256) {
  return quickConfig({
    trainCount,
    architecture: { ...presetArchitecture('base'), parametrization: 'lu' },
    objective: 'flow',
    epochs: 2,
    learningRate: 1e-4,
    checkpointEpochs: [0, 1],
    dequantize: true,
    flow: {
      prior: 'class',
      init: 'analytic',
      kinkLayers: 3,
      ridge: 0.1,
      warmupSteps: 5,
      cosineDecay: true,
      boundarySurrogate: 0.1,
    },
  });
}

/**
 * A 4-layer flow from the Gaussianizing init with a full-covariance class prior (the form
 * flowgen trains): a diagonal pixel kink layer, the whitening, a diagonal kink layer, the identity.
 */
function fullPriorConfig() {
  const base = flowConfig(256);
  return {
    ...base,
    architecture: customArchitecture({
      name: 'gaussianized',
      depth: 4,
      activation: true,
      activateLast: false,
      negativeSlope: 0.5,
      parametrization: 'lu',
    }),
    flow: {
      ...base.flow!,
      init: 'gaussianize' as const,
      kinkLayers: 1,
      ridge: 0.003,
      boundarySurrogate: 0.05,
      fullPrior: { draws: 3, shrinkage: 0.2 },
    },
  };
}

describe('flow training process', () => {
  it('records the initialized model as epoch 0 and bits/dim every epoch, with the LU factors beside each checkpoint', async () => {
    await withRunsFolder(async (runsFolder) => {
      // 'auto' picks tfjs-node when installed, else Invertscope's SIMD engine.
      const session = startTraining({ kind: 'new', runsFolder, config: { ...flowConfig(), backend: 'auto' } }, options);
      const logs: string[] = [];
      session.onMessage((m: FromTrainer) => {
        if (m.type === 'log') logs.push(m.message);
      });
      const { runId } = await session.started;
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
      assert.ok(
        logs.some((l) => /training on (Invertscope WebAssembly SIMD, \d threads?|.*tensorflow)/i.test(l)),
        `the log names the engine: ${logs.join(' | ')}`,
      );

      const store = new RunStore(runsFolder);
      const run = await store.readRun(runId);
      assert.ok(run.backend?.name === 'simd' || run.backend?.name === 'tensorflow', `ran on ${run.backend?.name}`);
      assert.equal(run.config.flow?.prior, 'class');
      assert.ok((run.timings.initSeconds ?? -1) > 0, "the analytic init's time is recorded");
      assert.deepEqual(
        run.checkpoints.map((c) => c.epoch),
        [0, 1, 2],
      );
      const epochs = (await store.readMetrics(runId)).records.filter((r): r is EpochMetric => r.type === 'epoch');
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        [0, 1, 2],
      );
      assert.ok(Number.isNaN(epochs[0].samplesPerSecond), 'nothing was trained at epoch 0');
      for (const e of epochs) {
        assert.equal(typeof e.testBitsPerDim, 'number', `epoch ${e.epoch} records bits/dim`);
        assert.equal(
          e.testBitsPerDim,
          bitsPerDim(e.testLoss, 784),
          `epoch ${e.epoch}: bits/dim is bitsPerDim of the test loss`,
        );
      }
      // Training moved the model: each epoch's test loss differs from the initial one.
      assert.notEqual(epochs[2].testLoss, epochs[0].testLoss);

      const checkpoint = await store.loadCheckpoint(runId, 2);
      assert.ok(checkpoint.flow, 'the flow sidecar is read with the checkpoint');
      assert.equal(checkpoint.flow.layers.length, 4);
      assert.equal(checkpoint.flow.prior.kind, 'class');
      assert.ok(checkpoint.flow.priorMoments, 'a learned prior keeps its Adam moments');
      const initial = await store.loadCheckpoint(runId, 0);
      assert.equal(initial.training.globalStep, 0);
      assert.equal(initial.training.testLoss, epochs[0].testLoss);
    });
  });

  const resumeCases = [
    // The SIMD engine runs an epoch of 256 digits faster than a cancel crosses the process boundary:
    // give it enough steps that the cancel lands inside epoch 2 however loaded the machine is.
    { name: 'wasm', backend: 'wasm', config: flowConfig(256) },
    { name: 'simd', backend: 'simd', config: flowConfig(4096) },
    { name: 'wasm, a full-covariance prior', backend: 'wasm', config: fullPriorConfig() },
  ] as const;
  for (const { name, backend, config: base } of resumeCases) {
    it(`cancels mid-epoch, then resumes to a flow identical bit for bit to an uninterrupted run (${name})`, async () => {
      await withRunsFolder(async (runsFolder) => {
        const config = { ...base, backend };
        const straight = startTraining({ kind: 'new', runsFolder, config }, options);
        const straightId = (await straight.started).runId;
        assert.equal((await straight.outcome).status, 'completed');

        const interrupted = startTraining({ kind: 'new', runsFolder, config }, options);
        let steps = 0;
        interrupted.onMessage((m) => {
          if (m.type === 'progress' && m.metric.type === 'step' && m.metric.epoch === 2 && ++steps === 3)
            interrupted.cancel();
        });
        const id = (await interrupted.started).runId;
        assert.equal((await interrupted.outcome).status, 'cancelled');
        const store = new RunStore(runsFolder);
        assert.equal((await store.readRun(id)).epochsCompleted, 1, 'stopped inside epoch 2');

        const resumed = startTraining({ kind: 'resume', runsFolder, runId: id, epochs: 2 }, options);
        assert.equal((await resumed.outcome).status, 'completed');
        const a = await store.loadCheckpoint(straightId, 2);
        const b = await store.loadCheckpoint(id, 2);
        assert.ok(a.flow && b.flow && a.optimizer && b.optimizer);
        a.flow.layers.forEach((layer, l) => {
          assert.deepEqual(b.flow?.layers[l].packed, layer.packed, `layer ${l + 1}: LU factors`);
          assert.deepEqual(b.flow?.layers[l].perm, layer.perm);
          assert.deepEqual(b.flow?.layers[l].sign, layer.sign);
        });
        assert.deepEqual(b.params.weights, a.params.weights);
        assert.deepEqual(b.params.biases, a.params.biases);
        assert.deepEqual(b.flow.prior, a.flow.prior);
        assert.deepEqual(b.flow.priorMoments, a.flow.priorMoments);
        assert.deepEqual(b.optimizer.firstMoment, a.optimizer.firstMoment);
        assert.deepEqual(b.optimizer.secondMoment, a.optimizer.secondMoment);
        assert.equal(b.optimizer.step, a.optimizer.step);
        assert.equal(b.training.testLoss, a.training.testLoss);
        const bits = async (runId: string) =>
          (await store.readMetrics(runId)).records
            .filter((r): r is EpochMetric => r.type === 'epoch')
            .map((e) => e.testBitsPerDim);
        assert.deepEqual(await bits(id), await bits(straightId));
        // The resume point's sidecar is the one its checkpoint names.
        const point = await readCheckpoint((await loadResumePoint(store.folderOf(id)))?.file ?? '(no resume point)', {
          flow: 'require',
        });
        assert.deepEqual(point.flow?.layers[3].packed, a.flow.layers[3].packed);
        assert.equal((await store.readRun(id)).backend?.name, backend);
      });
    });
  }

  it('refuses a flow on dense layers', async () => {
    await withRunsFolder(async (runsFolder) => {
      const dense = startTraining(
        { kind: 'new', runsFolder, config: { ...flowConfig(), architecture: presetArchitecture('base') } },
        options,
      );
      const refused = await dense.outcome;
      assert.equal(refused.status, 'failed');
      assert.match(refused.error?.message ?? '', /invalid architecture\.parametrization: "dense"/);
    });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTraining } from '../../../src/backend/trainingClient';
import { recordAbnormalEnd } from '../../../src/backend/recordAbnormalEnd';
import type { FromTrainer } from '../../../src/backend/protocol';
import { RunStore } from '../../../src/core/store/runStore';
import { readCheckpoint } from '../../../src/core/store/checkpoint';
import { quickConfig } from '../../helpers/trainConfig';
import { withTempFolder } from '../../helpers/tempFolder';

const withRunsFolder = (body: (folder: string) => Promise<void>) => withTempFolder('runs', body);

const options = { recordAbnormalEnd };

describe('training process', () => {
  it('trains a run to completion, reporting progress, checkpoints and the outcome', async () => {
    await withRunsFolder(async (runsFolder) => {
      const session = startTraining({ kind: 'new', runsFolder, config: quickConfig({ epochs: 2 }) }, options);
      const messages: FromTrainer[] = [];
      session.onMessage((m) => messages.push(m));
      const started = await session.started;
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
      assert.equal(started.totalEpochs, 2);
      assert.equal(started.stepsPerEpoch, 8);
      const epochs = messages.filter((m) => m.type === 'progress' && m.metric.type === 'epoch');
      assert.equal(epochs.length, 2);
      const checkpoints = messages.filter((m) => m.type === 'checkpoint');
      assert.deepEqual(
        checkpoints.map((m) => m.type === 'checkpoint' && m.entry.epoch),
        [1, 2],
      );

      const store = new RunStore(runsFolder);
      const run = await store.readRun(started.runId);
      assert.equal(run.status, 'completed');
      assert.equal(run.epochsCompleted, 2);
      assert.equal(run.backend?.name, 'wasm');
      assert.equal(run.data.split.kind, 'stratified');
      const metrics = await store.readMetrics(started.runId);
      assert.equal(metrics.records.filter((r) => r.type === 'step').length, 16);
      const loaded = await store.loadCheckpoint(started.runId, 2);
      assert.equal(loaded.training.epoch, 2);
    });
  });

  it('marks a run failed when its process is killed, and its last checkpoint stays readable', async () => {
    await withRunsFolder(async (runsFolder) => {
      const session = startTraining(
        { kind: 'new', runsFolder, config: quickConfig({ epochs: 50, trainCount: 512 }) },
        options,
      );
      const started = await session.started;
      await new Promise<void>((resolve) => {
        session.onMessage((m) => {
          if (m.type === 'checkpoint') resolve();
        });
      });
      process.kill(session.pid as number, 'SIGKILL');
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.error?.message ?? '', /killed by signal SIGKILL/);
      const store = new RunStore(runsFolder);
      const run = await store.readRun(started.runId);
      assert.equal(run.status, 'failed');
      assert.match(run.error?.message ?? '', /SIGKILL/);
      const last = run.checkpoints[run.checkpoints.length - 1];
      const checkpoint = await readCheckpoint(join(store.folderOf(started.runId), last.file));
      assert.equal(checkpoint.training.epoch, 1);
    });
  });

  it('cancels between steps, then resumes to the same parameters as an uninterrupted run', async () => {
    await withRunsFolder(async (runsFolder) => {
      const config = quickConfig({ epochs: 2, checkpointEpochs: [] });
      const straight = startTraining({ kind: 'new', runsFolder, config }, options);
      const straightId = (await straight.started).runId;
      assert.equal((await straight.outcome).status, 'completed');

      const interrupted = startTraining({ kind: 'new', runsFolder, config: { ...config, epochs: 1 } }, options);
      let steps = 0;
      interrupted.onMessage((m) => {
        if (m.type === 'progress' && m.metric.type === 'step' && ++steps === 1) interrupted.cancel();
      });
      const id = (await interrupted.started).runId;
      const cancelled = await interrupted.outcome;
      assert.equal(cancelled.status, 'cancelled');
      const store = new RunStore(runsFolder);
      assert.equal((await store.readRun(id)).status, 'cancelled');

      const resumed = startTraining({ kind: 'resume', runsFolder, runId: id, epochs: 2 }, options);
      assert.equal((await resumed.outcome).status, 'completed');
      const a = await store.loadCheckpoint(straightId, 2);
      const b = await store.loadCheckpoint(id, 2);
      assert.deepEqual(b.params.weights[0], a.params.weights[0]);
      assert.equal(b.training.testLoss, a.training.testLoss);
    });
  });

  it('reports a bad configuration as a failure with the field named', async () => {
    await withRunsFolder(async (runsFolder) => {
      const session = startTraining({ kind: 'new', runsFolder, config: quickConfig({ batchSize: 0 }) }, options);
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.error?.message ?? '', /invalid batchSize: 0/);
      await assert.rejects(session.started);
    });
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AnalysisClient } from '../../../src/backend/analysisClient';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { readAnyCachedPoint } from '../../../src/core/analysis/lightCheckpoint';
import { isInvertscopeError } from '../../../src/core/errors';
import { presetArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { RunStore } from '../../../src/core/store/runStore';
import type { CheckpointEntry, RunRecord } from '../../../src/core/store/runTypes';
import { createTrajectory } from '../../../src/extension/adapters/trajectoryAdapter';
import { quickConfig } from '../../helpers/trainConfig';
import { MemoryLog } from '../extension/fakes';
import { QUICK_CLASSIFIER, QUICK_OPTIONS, smallSplit } from './builders';

/** Light options small enough for a unit test of a Small checkpoint (as in trajectory.test.ts). */
const LIGHT = { testImages: 20, noiseImages: 5, noiseLevels: [1e-4, 1e-2], samplesPerClass: 2 } as const;

describe('trajectory points from the analysis process', () => {
  let dir = '';
  let store: RunStore;
  let run: RunRecord;
  const clients: AnalysisClient[] = [];
  const client = () => {
    const c = new AnalysisClient();
    clients.push(c);
    return c;
  };
  const file = (entry: CheckpointEntry) => join(store.folderOf(run.id), entry.file);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-light-requests-'));
    store = new RunStore(join(dir, 'runs'));
    const config = quickConfig({ model: 'small', trainCount: 200, testCount: 40 });
    const id = await store.createRun(
      config,
      {
        description: 'test digits',
        trainCount: 200,
        testCount: 40,
        split: { kind: 'stratified', seed: 0, train: [], test: [] },
      },
      null,
      { status: 'completed', process: null },
    );
    const architecture = presetArchitecture('small');
    for (const epoch of [1, 2]) {
      await store.saveCheckpoint(id, {
        architecture,
        params: initParams(architecture, createRng(100 + epoch)),
        training: {
          epoch,
          globalStep: epoch * 4,
          objective: 'seed',
          seed: 7,
          trainLoss: 1,
          testLoss: 1,
          createdAt: new Date().toISOString(),
          invertscopeVersion: '0.1.0',
        },
      });
    }
    run = await store.readRun(id);
    // The classifier under its real cache key, trained on a few digits, where the process looks for it.
    const split = await smallSplit(300, 100);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, 'runs', '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: CLASSIFIER_DATA,
      loadData: async () => split,
    });
  });
  after(async () => {
    for (const c of clients) c.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('computes a point in the analysis process with progress, caches it beside the checkpoint, then reads it back', async () => {
    const c = client();
    const messages: string[] = [];
    const entry = run.checkpoints[0];
    const first = await c.light(
      { checkpoint: file(entry), options: LIGHT },
      { onProgress: (fraction, message) => messages.push(`${fraction.toFixed(2)} ${message}`) },
    );
    assert.equal(first.fromCache, null);
    assert.equal(first.point.epoch, 1);
    assert.equal(first.point.checkpointSha256, entry.sha256);
    assert.ok(messages.length > 2, messages.join('\n'));
    const again = await c.light({ checkpoint: file(entry), options: LIGHT });
    assert.equal(again.fromCache, 'light');
    assert.deepEqual(again.point, first.point);
    // What the views read: by the hash run.json recorded, without hashing the file.
    assert.deepEqual(await readAnyCachedPoint(file(entry), entry.sha256), first.point);
    assert.equal(
      await readAnyCachedPoint(file(entry), 'f'.repeat(64)),
      null,
      "a point of another file is not this checkpoint's",
    );
  });

  it('serves points and full analyses in turn from one process, and cancels a point on request', async () => {
    const c = client();
    const entry = run.checkpoints[1];
    const full = c.analyze({ checkpoint: file(entry), options: QUICK_OPTIONS, classifierSettings: QUICK_CLASSIFIER });
    const controller = new AbortController();
    const light = c.light({ checkpoint: file(entry), options: { ...LIGHT, seed: 3 } }, { signal: controller.signal });
    controller.abort();
    await assert.rejects(light, (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
    assert.equal((await full).analysis.epoch, 2);
    const point = await c.light({ checkpoint: file(entry), options: LIGHT });
    assert.equal(point.point.epoch, 2);
  });

  it('lets the views read every cached point of a run through the trajectory port', async () => {
    const port = createTrajectory(client(), new MemoryLog());
    const points = await port.readCached(run, store.folderOf(run.id));
    assert.deepEqual(points.map((p) => p.epoch).sort(), [1, 2]);
  });
});

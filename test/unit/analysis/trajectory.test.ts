import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCheckpoint } from '../../../src/core/analysis/analyzeCheckpoint';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import {
  lightAnalyzeCheckpoint,
  pointCachePath,
  resolveLightOptions,
} from '../../../src/core/analysis/lightCheckpoint';
import {
  runTrajectory,
  type TrajectoryPointEvent,
  type TrajectoryProgress,
} from '../../../src/core/analysis/runTrajectory';
import type { RunTrajectory } from '../../../src/core/analysis/trajectoryTypes';
import { isInvertscopeError } from '../../../src/core/errors';
import { presetArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { RunStore } from '../../../src/core/store/runStore';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { captureCli } from '../../helpers/cliCapture';
import { quickConfig } from '../../helpers/trainConfig';
import { QUICK_OPTIONS, smallSplit } from './builders';

/** Light options small enough for a unit test of a Small checkpoint. */
const LIGHT = { testImages: 20, noiseImages: 5, noiseLevels: [1e-4, 1e-2], samplesPerClass: 2 } as const;

describe('light points of checkpoints and trajectories of runs', () => {
  let dir = '';
  let store: RunStore;
  let id = '';

  const addCheckpoint = (epoch: number) => {
    const architecture = presetArchitecture('small');
    return store.saveCheckpoint(id, {
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
  };
  const checkpoint = (epoch: number) =>
    join(store.folderOf(id), 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}.safetensors`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-trajectory-'));
    store = new RunStore(join(dir, 'runs'));
    const config = quickConfig({ model: 'small', trainCount: 200, testCount: 40 });
    id = await store.createRun(
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
    for (const epoch of [0, 1, 2]) await addCheckpoint(epoch);
    // The classifier under its real cache key, trained on a few digits so the tests do not spend 15 s on it.
    const split = await smallSplit(300, 100);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, 'runs', '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: CLASSIFIER_DATA,
      loadData: async () => split,
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("caches a checkpoint's light point beside it, reuses it, and recomputes a damaged one", async () => {
    const file = checkpoint(1);
    const first = await lightAnalyzeCheckpoint({ checkpoint: file, options: LIGHT });
    assert.equal(first.fromCache, null);
    assert.equal(first.cacheFile, pointCachePath(file, resolveLightOptions(LIGHT)));
    assert.match(first.cacheFile ?? '', /epoch-0001\.point-[0-9a-f]{8}\.json$/);
    assert.equal(first.point.epoch, 1);
    assert.equal(first.point.roundTrips.float32.imageCount, 20);
    assert.equal(first.point.generation?.sampleCount, 20);
    const second = await lightAnalyzeCheckpoint({ checkpoint: file, options: LIGHT });
    assert.equal(second.fromCache, 'light');
    assert.deepEqual(second.point, first.point);

    const text = await readFile(first.cacheFile ?? '', 'utf8');
    await writeFile(first.cacheFile ?? '', text.replace('"roundTrips"', '"roundTripz"'));
    const repaired = await lightAnalyzeCheckpoint({ checkpoint: file, options: LIGHT });
    assert.equal(repaired.fromCache, null, 'a damaged point is recomputed');
    assert.deepEqual({ ...repaired.point, computeSeconds: 0 }, { ...first.point, computeSeconds: 0 });
    assert.equal(
      (await lightAnalyzeCheckpoint({ checkpoint: file, options: { ...LIGHT, seed: 5 } })).fromCache,
      null,
      'other options are another point',
    );
  });

  it('leaves no point file when cancelled', async () => {
    const file = checkpoint(2);
    const controller = new AbortController();
    await assert.rejects(
      lightAnalyzeCheckpoint(
        { checkpoint: file, options: LIGHT },
        (p) => {
          if (p.stage === 'roundTrips') controller.abort();
        },
        controller.signal,
      ),
      (error: unknown) => isInvertscopeError(error) && error.code === 'CANCELLED',
    );
    const names = await readdir(join(store.folderOf(id), 'checkpoints'));
    assert.deepEqual(
      names.filter((n) => n.startsWith('epoch-0002.point')),
      [],
    );
  });

  it("takes a point from a cached full analysis, with the full analysis's images", async () => {
    const file = checkpoint(0);
    const { analysis } = await analyzeCheckpoint({ checkpoint: file, options: QUICK_OPTIONS });
    const result = await lightAnalyzeCheckpoint({ checkpoint: file, options: { ...LIGHT, noise: false } });
    assert.equal(result.fromCache, 'full');
    assert.equal(result.point.source, 'full');
    assert.equal(result.point.roundTrips.float64.imageCount, analysis.reconstruction.imageCount);
    assert.equal(
      result.point.roundTrips.mixed.brokenFraction,
      analysis.reconstruction.overall.float64.brokenFraction,
      '"mixed" is what overall.float64 measured',
    );
    assert.equal(result.point.jacobian.cond, analysis.jacobian.cond);
    assert.equal(
      result.point.generation?.accuracy,
      analysis.generation.sets.find((s) => s.source === 'target' && s.precision === 'float64' && s.temperature === 1)
        ?.accuracy,
    );
    const light = await lightAnalyzeCheckpoint({
      checkpoint: file,
      options: { ...LIGHT, noise: false },
      useFullAnalysis: false,
    });
    assert.equal(light.point.source, 'light');
  });

  it('follows a run: points in epoch order as they arrive, progress to the end, and only new checkpoints computed again', async () => {
    const events: TrajectoryPointEvent[] = [];
    const progress: TrajectoryProgress[] = [];
    const first = await runTrajectory(
      { runsFolder: store.root, runId: id, options: LIGHT, useFullAnalysis: false },
      {
        onPoint: (e) => events.push(e),
        onProgress: (p) => progress.push(p),
      },
    );
    assert.deepEqual(
      first.trajectory.points.map((p) => p.epoch),
      [0, 1, 2],
    );
    assert.deepEqual(
      events.map((e) => [e.checkpointIndex, e.checkpointCount, e.point.epoch]),
      [
        [0, 3, 0],
        [1, 3, 1],
        [2, 3, 2],
      ],
    );
    assert.equal(first.trajectory.runId, id);
    assert.equal(first.trajectory.architectureName, 'small');
    assert.equal(first.trajectory.objective, 'seed');
    assert.match(first.trajectory.dataDescription, /^20 balanced test images of the run's test split/);
    assert.equal(first.cached + first.computed, 3);
    assert.equal(events[1].fromCache, 'light', 'epoch 1 was cached by the first test');
    for (let i = 1; i < progress.length; i++)
      assert.ok(progress[i].fraction >= progress[i - 1].fraction, 'progress never goes back');
    assert.equal(progress[progress.length - 1].fraction, 1);
    assert.ok(
      progress.some((p) => p.message.startsWith('epoch 2 (3 of 3): ')),
      'progress says which checkpoint',
    );

    await addCheckpoint(3);
    const second = await runTrajectory({ runsFolder: store.root, runId: id, options: LIGHT, useFullAnalysis: false });
    assert.deepEqual(
      second.trajectory.points.map((p) => p.epoch),
      [0, 1, 2, 3],
    );
    assert.equal(second.cached, 3);
    assert.equal(second.computed, 1);
    assert.deepEqual(second.trajectory.points.slice(0, 3), first.trajectory.points);
  });

  it("stops a run's trajectory when cancelled, keeping the points finished before", async () => {
    const controller = new AbortController();
    await assert.rejects(
      runTrajectory(
        { runsFolder: store.root, runId: id, options: { ...LIGHT, seed: 9 }, useFullAnalysis: false },
        {
          signal: controller.signal,
          onPoint: (e) => {
            if (e.checkpointIndex === 1) controller.abort();
          },
        },
      ),
      (error: unknown) => isInvertscopeError(error) && error.code === 'CANCELLED',
    );
    const again = await runTrajectory({
      runsFolder: store.root,
      runId: id,
      options: { ...LIGHT, seed: 9 },
      useFullAnalysis: false,
    });
    assert.equal(again.cached, 2, 'the two points finished before the cancel were kept');
  });

  it('prints the timeline as tables for people and as one JSON document', async () => {
    const flags = ['--test-images', '20', '--noise-images', '5', '--samples', '2'];
    const c = captureCli(dir);
    assert.equal(await main(['timeline', id.slice(0, 15), ...flags], c.ctx), EXIT.ok, c.err());
    const out = c.out();
    assert.match(out, /^small · the paper's loss · run .+ · 4 checkpoints \(\d from caches, \d computed/);
    assert.match(out, /EPOCH +κ L1 +LOG\|DET\| L1\n +0 +[\d.]+(e\d+)? +-[\d.]+(e\d+)?\n/);
    assert.match(out, /EPOCH +κ\(J\) +F32 BROKEN +MIXED BROKEN +F64 BROKEN +F32 PSNR +MIXED PSNR +F64 PSNR +VERDICT/);
    assert.match(out, /MIXED: float32 embedding, float64 inverse/);
    assert.match(out, /GROWTH: .*median over images/);
    assert.match(out, /EPOCH +δ F32 +δ F64 +GROWTH F32 +GROWTH F64 +POOLED F32 +POOLED F64 +GENERATED/);
    assert.match(out, /\n +3 +(none|[\d.e-]+) +(none|[\d.e-]+) +[\d.]+(e-?\d+)? .* [\d.]+% \(20 samples\)\n?$/);

    const j = captureCli(dir);
    assert.equal(await main(['timeline', id, '--json', ...flags], j.ctx), EXIT.ok, j.err());
    const trajectory = JSON.parse(j.out()) as RunTrajectory;
    assert.deepEqual(
      trajectory.points.map((p) => p.epoch),
      [0, 1, 2, 3],
    );
    assert.equal(trajectory.points[3].roundTrips.float64.imageCount, 20);
    assert.equal(typeof trajectory.points[3].jacobian.resolvable, 'boolean');

    const bad = captureCli(dir);
    assert.equal(await main(['timeline', 'no-such-run', '--runs', 'runs'], bad.ctx), EXIT.badInput);
    assert.match(bad.err(), /no run "no-such-run"/);
  });
});

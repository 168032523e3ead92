import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrajectoryPoint } from '../../../src/core/analysis/trajectoryTypes';
import { InvertscopeError } from '../../../src/core/errors';
import type { RunRecord } from '../../../src/core/store/runTypes';
import type { CheckpointTarget, RunStorePort, TrajectoryPort } from '../../../src/extension/ports';
import { TimelineFeed } from '../../../src/extension/trajectory/timelineFeed';
import { TrajectoryService } from '../../../src/extension/trajectory/trajectoryService';
import type { TrajectoryMessage } from '../../../src/contracts/inspectorProtocol';
import { runRecord, trajectoryPoint } from './builders';
import { flush, MemoryLog } from './fakes';

/**
 * A run whose points live in `cached` (what readCached finds) and whose
 * computations the test settles by hand, as the analysis process would.
 */
function scene(run: RunRecord, cachedEpochs: readonly number[]) {
  let record = run;
  const cached = new Map<number, TrajectoryPoint>(
    cachedEpochs.map((e) => [
      e,
      trajectoryPoint(run.checkpoints.find((c) => c.epoch === e) as RunRecord['checkpoints'][number], {
        cond: e * 1e3,
      }),
    ]),
  );
  const computing: Array<{
    target: CheckpointTarget;
    signal: AbortSignal;
    progress: (message: string, fraction: number | null) => void;
    finish(fail?: Error): void;
  }> = [];
  const port: TrajectoryPort = {
    readCached: async (r) =>
      r.checkpoints.flatMap((c) =>
        cached.get(c.epoch)?.checkpointSha256 === c.sha256 ? [cached.get(c.epoch) as TrajectoryPoint] : [],
      ),
    compute: (target, progress, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new InvertscopeError('CANCELLED', 'cancelled')));
        computing.push({
          target,
          signal,
          progress,
          finish(fail) {
            if (fail) return reject(fail);
            const point = trajectoryPoint(target.entry, { cond: target.entry.epoch * 1e3 });
            cached.set(target.entry.epoch, point);
            resolve(point);
          },
        });
      }),
  };
  const store = {
    runDir: (id: string) => `/runs/${id}`,
    readRun: async () => record,
    checkpointPath: (id: string, entry: { file: string }) => `/runs/${id}/${entry.file}`,
  } as unknown as RunStorePort;
  const log = new MemoryLog();
  const trajectories = new TrajectoryService(port, () => store, log);
  const posted: TrajectoryMessage[] = [];
  let idle = Promise.resolve();
  const feed = new TimelineFeed(
    { store: () => store, trajectories, log, post: (m) => posted.push(m), idle: () => idle },
    run.id,
  );
  return {
    feed,
    posted,
    computing,
    log,
    last: () => posted[posted.length - 1],
    setRecord: (r: RunRecord) => {
      record = r;
    },
    busy: () => {
      let release!: () => void;
      idle = new Promise((r) => {
        release = r;
      });
      return () => {
        idle = Promise.resolve();
        release();
      };
    },
  };
}

describe('TimelineFeed', () => {
  it('posts the cached points at once, then computes each missing one, oldest first, saying which', async () => {
    const run = runRecord({ model: 'base', epochs: 100, checkpointEpochs: [10, 50, 100] });
    const s = scene(run, [50]);
    await s.feed.refresh();
    assert.deepEqual(
      s.posted[0].points.map((p) => p.epoch),
      [50],
    );
    assert.deepEqual(s.posted[0].missing, [10, 100]);
    await flush();
    assert.equal(s.computing.length, 1);
    assert.equal(s.computing[0].target.entry.epoch, 10, 'the oldest missing checkpoint first');
    assert.equal(s.computing[0].target.file, `/runs/${run.id}/checkpoints/epoch-0010.safetensors`);
    assert.deepEqual(s.last().computing, { epoch: 10, message: 'epoch 10: starting', fraction: null });
    s.computing[0].finish();
    for (let i = 0; i < 10 && s.computing.length < 2; i++) await flush();
    assert.equal(s.computing[1].target.entry.epoch, 100);
    s.computing[1].finish();
    for (let i = 0; i < 10 && s.last().missing.length > 0; i++) await flush();
    assert.deepEqual(
      s.last().points.map((p) => p.epoch),
      [10, 50, 100],
    );
    assert.deepEqual(s.last().missing, []);
    assert.equal(s.last().computing, null);
    s.feed.dispose();
  });

  it("waits while the panel's own analysis is on its way", async () => {
    const run = runRecord({ checkpointEpochs: [1, 2] });
    const s = scene(run, []);
    const release = s.busy();
    await s.feed.refresh();
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(s.computing.length, 0, 'nothing computed while an analysis is pending');
    release();
    for (let i = 0; i < 5 && s.computing.length === 0; i++) await flush();
    assert.equal(s.computing.length, 1);
    s.feed.dispose();
  });

  it('stops the point it computes for an analysis the person asked for, and computes it again once the panel is idle', async () => {
    const run = runRecord({ checkpointEpochs: [1, 2] });
    const s = scene(run, []);
    await s.feed.refresh();
    await flush();
    assert.equal(s.computing.length, 1);
    const release = s.busy();
    s.feed.yieldToAnalysis();
    assert.equal(s.computing[0].signal.aborted, true, 'the point in progress stops');
    for (let i = 0; i < 10; i++) await flush();
    assert.equal(s.computing.length, 1, 'nothing computed while the analysis runs');
    assert.equal(s.last().computing, null);
    assert.equal(s.last().problem, null, 'stopping for an analysis is no failure');
    release();
    for (let i = 0; i < 10 && s.computing.length < 2; i++) await flush();
    assert.equal(s.computing[1].target.entry.epoch, 1, 'the same checkpoint again');
    s.feed.dispose();
  });

  it('says why a point failed and stops, then tries again when the run changes', async () => {
    const run = runRecord({ checkpointEpochs: [1, 2] });
    const s = scene(run, []);
    await s.feed.refresh();
    await flush();
    s.computing[0].finish(new InvertscopeError('CORRUPT', 'epoch-0001.safetensors: the file is truncated'));
    for (let i = 0; i < 10 && s.last().problem === null; i++) await flush();
    assert.match(s.last().problem ?? '', /^The point of epoch 1 could not be computed: .*truncated/);
    assert.equal(s.computing.length, 1, 'no second attempt on its own');
    s.feed.runChanged();
    for (let i = 0; i < 10 && s.computing.length < 2; i++) await flush();
    assert.equal(s.computing.length, 2);
    assert.equal(s.last().problem, null);
    s.feed.dispose();
  });

  it('extends to a checkpoint the run writes while training', async () => {
    const run = runRecord({ status: 'running', epochs: 3, checkpointEpochs: [1] });
    const s = scene(run, [1]);
    await s.feed.refresh();
    assert.deepEqual(s.last().missing, []);
    s.setRecord(runRecord({ status: 'running', epochs: 3, checkpointEpochs: [1, 2] }));
    s.feed.runChanged();
    for (let i = 0; i < 10 && s.computing.length === 0; i++) await flush();
    assert.equal(s.computing[0].target.entry.epoch, 2);
    s.feed.dispose();
  });

  it('stops its computation when disposed (the panel closed)', async () => {
    const run = runRecord({ checkpointEpochs: [1] });
    const s = scene(run, []);
    await s.feed.refresh();
    await flush();
    assert.equal(s.computing[0].signal.aborted, false);
    s.feed.dispose();
    assert.equal(s.computing[0].signal.aborted, true);
  });
});

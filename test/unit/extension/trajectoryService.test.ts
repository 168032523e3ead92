import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrajectoryPoint } from '../../../src/core/analysis/trajectoryTypes';
import type { RunRecord } from '../../../src/core/store/runTypes';
import type { RunStorePort, TrajectoryPort } from '../../../src/extension/ports';
import { TrajectoryService } from '../../../src/extension/trajectory/trajectoryService';
import { TaskLimiter } from '../../../src/extension/util/taskLimiter';
import { runRecord, trajectoryPoint } from './builders';
import { flush, MemoryLog } from './fakes';

function fakeTrajectory(points: (run: RunRecord) => TrajectoryPoint[] | Error) {
  const reads: string[] = [];
  const port: TrajectoryPort = {
    async readCached(run, runDir) {
      reads.push(`${run.id}:${runDir}`);
      const result = points(run);
      if (result instanceof Error) throw result;
      return result;
    },
    compute: () => Promise.reject(new Error('not used')),
  };
  return { port, reads };
}

const store = { runDir: (id: string) => `/runs/${id}` } as unknown as RunStorePort;

describe('TrajectoryService', () => {
  it("reads a run's points once per set of checkpoint files, sorted by epoch", async () => {
    const run = runRecord({ checkpointEpochs: [10, 50] });
    const { port, reads } = fakeTrajectory((r) =>
      [...r.checkpoints].reverse().map((c) => trajectoryPoint(c, { cond: c.epoch * 100 })),
    );
    const service = new TrajectoryService(port, () => store, new MemoryLog());
    const [a, b] = await Promise.all([service.points(run), service.points(run)]);
    assert.equal(a, b);
    assert.deepEqual(
      a.map((p) => p.epoch),
      [10, 50],
    );
    assert.deepEqual(reads, [`${run.id}:/runs/${run.id}`]);
    await service.points(runRecord({ checkpointEpochs: [10, 50, 100] }));
    assert.equal(reads.length, 2, 'a new checkpoint is a new set of files');
  });

  it('reads again after invalidate and says so', async () => {
    const run = runRecord({ checkpointEpochs: [10] });
    const { port, reads } = fakeTrajectory(() => []);
    const service = new TrajectoryService(port, () => store, new MemoryLog());
    const changed: string[] = [];
    service.onDidChange(({ runId }) => changed.push(runId));
    await service.points(run);
    service.invalidate(run.id);
    await service.points(run);
    assert.equal(reads.length, 2);
    assert.deepEqual(changed, [run.id]);
  });

  it('answers [] and logs when the points cannot be read', async () => {
    const log = new MemoryLog();
    const { port } = fakeTrajectory(() => new Error('EACCES: permission denied'));
    const service = new TrajectoryService(port, () => store, log);
    assert.deepEqual(await service.points(runRecord()), []);
    assert.ok(
      log.lines.some((l) => /EACCES/.test(l)),
      log.lines.join('\n'),
    );
  });
});

describe('TrajectoryService.compute', () => {
  function computingPort() {
    const calls: Array<{
      signal: AbortSignal;
      progress: (m: string, f: number | null) => void;
      resolve(p: TrajectoryPoint): void;
    }> = [];
    const port: TrajectoryPort = {
      readCached: async () => [],
      compute: (_target, progress, signal) =>
        new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
          calls.push({ signal, progress, resolve });
        }),
    };
    return { port, calls };
  }
  const run = runRecord({ checkpointEpochs: [5] });
  const target = { run, entry: run.checkpoints[0], file: '/runs/x/checkpoints/epoch-0005.safetensors' };

  it('shares one computation between callers, with progress for each, and says the run changed when it is in', async () => {
    const { port, calls } = computingPort();
    const service = new TrajectoryService(port, () => store, new MemoryLog());
    const changed: string[] = [];
    service.onDidChange(({ runId }) => changed.push(runId));
    const seen: string[] = [];
    const a = service.compute(target, (m) => seen.push(`a ${m}`), new AbortController().signal);
    const b = service.compute(target, (m) => seen.push(`b ${m}`), new AbortController().signal);
    assert.equal(calls.length, 1);
    calls[0].progress('round trips', 0.5);
    assert.deepEqual(seen, ['a round trips', 'b round trips']);
    const point = trajectoryPoint(target.entry, { cond: 42 });
    calls[0].resolve(point);
    assert.equal(await a, point);
    assert.equal(await b, point);
    await flush();
    assert.deepEqual(changed, [run.id]);
  });

  it('keeps computing while one caller still waits, and stops once every caller has gone', async () => {
    const { port, calls } = computingPort();
    const service = new TrajectoryService(port, () => store, new MemoryLog());
    const first = new AbortController();
    const second = new AbortController();
    const a = service.compute(target, () => undefined, first.signal);
    const b = service.compute(target, () => undefined, second.signal);
    first.abort();
    await assert.rejects(a, /cancelled/);
    assert.equal(calls[0].signal.aborted, false);
    second.abort();
    await assert.rejects(b, /cancelled/);
    assert.equal(calls[0].signal.aborted, true);
  });
});

describe('TaskLimiter', () => {
  it('never runs more tasks at once than its limit, and runs them in the order they came', async () => {
    const limiter = new TaskLimiter(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const task = (i: number) =>
      limiter.run(async () => {
        started.push(i);
        most = Math.max(most, ++active);
        await new Promise<void>((resolve) => releases.push(resolve));
        active--;
        return i;
      });
    const tasks = [0, 1, 2, 3, 4].map(task);
    for (let round = 0; round < 8; round++) {
      await flush();
      // Queued while a finishing task hands its slot over: it must wait its turn.
      if (round === 1) tasks.push(task(5));
      releases.shift()?.();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = new TaskLimiter(1);
    await assert.rejects(
      limiter.run(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await limiter.run(async () => 7), 7);
  });
});

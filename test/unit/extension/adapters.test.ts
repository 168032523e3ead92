import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isInvertscopeError } from '../../../src/core/errors';
import { RunStore } from '../../../src/core/store/runStore';
import { RunRecordCache } from '../../../src/extension/adapters/runRecordCache';
import { openRunStore } from '../../../src/extension/adapters/runStoreAdapter';
import { recordAbnormalEnd } from '../../../src/backend/recordAbnormalEnd';
import { FIXTURE_RUNS, writeFixtureRuns } from '../../extension-host/fixtures/fixtureRuns';
import { runRecord } from './builders';

describe('the run store adapter', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'invertscope-adapter-'));
    await writeFixtureRuns(join(folder, 'runs'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('lists readable runs and damaged run folders apart', async () => {
    const listing = await openRunStore(join(folder, 'runs')).listRuns();
    assert.deepEqual(listing.runs.map((r) => r.id).sort(), FIXTURE_RUNS.map((r) => r.id).sort());
    assert.deepEqual(
      listing.damaged.map((d) => d.id),
      ['20260121-090000-damaged'],
    );
    assert.match(listing.damaged[0].message, /run\.json/);
  });

  it('parses each run.json once per version of the file, however often the folder is listed', async () => {
    const runs = join(folder, 'cached');
    await writeFixtureRuns(runs);
    const store = new RunStore(runs);
    let reads = 0;
    const readRun = store.readRun.bind(store);
    store.readRun = (id: string) => {
      reads++;
      return readRun(id);
    };
    const cache = new RunRecordCache(store);
    const first = await cache.list();
    const listed = first.runs.length + first.damaged.length;
    assert.equal(reads, listed);
    await cache.list();
    assert.equal(reads, listed + 1, 'only the damaged folder, which has no version to keep, is read again');
    const changed = FIXTURE_RUNS[0];
    await new RunStore(runs).updateRun(changed.id, { epochsCompleted: changed.epochsCompleted });
    const again = await cache.list();
    assert.equal(reads, listed + 3, 'a rewritten run.json is read again');
    assert.notEqual(
      again.runs.find((r) => r.id === changed.id)?.updatedAt,
      first.runs.find((r) => r.id === changed.id)?.updatedAt,
    );
    await rm(join(runs, FIXTURE_RUNS[1].id), { recursive: true });
    assert.equal(
      (await cache.list()).runs.some((r) => r.id === FIXTURE_RUNS[1].id),
      false,
      'a deleted run is gone',
    );
    await assert.rejects(cache.read(FIXTURE_RUNS[1].id), (e: unknown) => isInvertscopeError(e, 'NOT_FOUND'));
  });

  it('lists nothing for a runs folder that does not exist yet', async () => {
    assert.deepEqual(await openRunStore(join(folder, 'absent')).listRuns(), { runs: [], damaged: [] });
  });

  it('resolves checkpoint files inside the run folder and reads metrics records', async () => {
    const store = openRunStore(join(folder, 'runs'));
    const run = FIXTURE_RUNS[0];
    assert.equal(
      store.checkpointPath(run.id, run.checkpoints[1]),
      join(folder, 'runs', run.id, 'checkpoints', 'epoch-0002.safetensors'),
    );
    assert.equal(store.runDir(run.id), join(folder, 'runs', run.id));
    const metrics = await store.readMetrics(run.id);
    assert.deepEqual(
      metrics.map((m) => m.type),
      ['step', 'step', 'epoch'],
    );
  });

  it('reads metrics from where the last read stopped, and nothing when nothing was appended', async () => {
    const store = openRunStore(join(folder, 'runs'));
    const run = FIXTURE_RUNS[0];
    const all = await store.readMetrics(run.id);
    const first = await store.readMetricsSince(run.id);
    assert.deepEqual(first.records, all);
    assert.deepEqual((await store.readMetricsSince(run.id, first.next)).records, []);
    const file = join(folder, 'runs', run.id, 'metrics.jsonl');
    const appended = { ...all[all.length - 1], epoch: 99 };
    await writeFile(file, `${await readFile(file, 'utf8')}${JSON.stringify(appended)}\n`);
    const next = await store.readMetricsSince(run.id, first.next);
    assert.deepEqual(next.records, [appended]);
    assert.equal(next.next.line, first.next.line + 1);
    assert.deepEqual((await store.readMetricsSince(run.id)).records, [...all, appended]);
  });

  it('rejects a run id that would leave the runs folder', () => {
    assert.throws(
      () => openRunStore(join(folder, 'runs')).runDir('../outside'),
      (e: unknown) => isInvertscopeError(e),
    );
  });
});

describe('recording a training process that died', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'invertscope-abnormal-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function writeRun(status: 'running' | 'completed'): Promise<string> {
    const run = runRecord({ id: `run-${status}`, status, epochs: 3, epochsCompleted: 1 });
    await mkdir(join(folder, run.id), { recursive: true });
    await writeFile(join(folder, run.id, 'run.json'), JSON.stringify(run));
    return run.id;
  }

  it('marks a running run with the outcome, its error and an end time', async () => {
    const id = await writeRun('running');
    await recordAbnormalEnd(folder, id, {
      status: 'failed',
      runId: id,
      error: { message: 'training process exited with code 9', code: 'INTERNAL' },
    });
    const record = JSON.parse(await readFile(join(folder, id, 'run.json'), 'utf8'));
    assert.equal(record.status, 'failed');
    assert.deepEqual(record.error, { message: 'training process exited with code 9', code: 'INTERNAL' });
    assert.ok(record.timings.endedAt);
    assert.equal(record.process, null);
  });

  it('leaves a run that already ended alone', async () => {
    const id = await writeRun('completed');
    const before = await readFile(join(folder, id, 'run.json'), 'utf8');
    await recordAbnormalEnd(folder, id, { status: 'cancelled', runId: id });
    assert.equal(await readFile(join(folder, id, 'run.json'), 'utf8'), before);
  });
});
